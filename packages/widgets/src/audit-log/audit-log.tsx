import { useId, useState } from "react";
import { errorMessage } from "../errors.js";
import { useAuditLog } from "../hooks/audit.js";
import { useMembers } from "../hooks/members.js";
import { useLabels } from "../provider.js";
import type { AuditEvent, AuditFilters } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { useDebounced } from "../ui/use-debounced.js";
import { auditSentence } from "./sentence.js";

export interface AuditLogProps {
  orgId: string;
  className?: string;
  /** Entries per page (default 50). */
  pageSize?: number;
}

/** Target types Roster records, offered as a filter. */
const TARGET_TYPES = [
  "user",
  "invitation",
  "organization",
  "role",
  "workspace",
  "group",
  "resource",
  "setting",
  "webhook",
  "credit_grant",
];

/** Actions offered as suggestions (any recorded action can be typed). */
const ACTIONS = [
  "member.joined",
  "member.invited",
  "member.role_changed",
  "member.deactivated",
  "member.reactivated",
  "member.removed",
  "member.left",
  "invitation.revoked",
  "org.updated",
  "org.ownership_transferred",
  "role.created",
  "service_account.created",
  "api_key.created",
  "api_key.revoked",
  "resource.transferred",
  "setting.updated",
  "webhook.created",
];

/** A date input's day (local) as the instant it starts. */
const startOfDay = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
/** The instant after a date input's day (local) ends: `to` is exclusive. */
function endOfDay(day: string): string | undefined {
  if (!day) return undefined;
  const next = new Date(`${day}T00:00:00`);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
}

const targetText = (e: AuditEvent) =>
  e.targetType ? (e.targetName ?? `${e.targetType} ${e.targetId ?? ""}`.trim()) : "";

/** Who did what to which target, and when: filtered by actor, action, target and dates, a page at a time. */
export function AuditLog({ orgId, className, pageSize }: AuditLogProps) {
  const labels = useLabels();
  const ids = { heading: useId(), actions: useId() };
  const [actorId, setActorId] = useState("");
  const [action, setAction] = useState("");
  const [targetType, setTargetType] = useState("");
  const [target, setTarget] = useState<{ type: string; id: string } | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const members = useMembers(orgId, { pageSize: 100 });
  const settledAction = useDebounced(action.trim(), 300);

  const filters: AuditFilters = {
    ...(actorId ? { actorId } : {}),
    ...(settledAction ? { action: settledAction } : {}),
    ...(target ? { targetType: target.type, targetId: target.id } : targetType ? { targetType } : {}),
    ...(from ? { from: startOfDay(from) } : {}),
    ...(to ? { to: endOfDay(to) } : {}),
  };
  const log = useAuditLog(orgId, filters, pageSize);
  const filtered = Object.keys(filters).length > 0;
  const clear = () => {
    setActorId("");
    setAction("");
    setTargetType("");
    setTarget(null);
    setFrom("");
    setTo("");
  };
  const people = members.items.filter((m) => m.kind === "member");
  const items = log.items;

  return (
    <section
      className={classNames("roster-widget roster-audit-log", className)}
      aria-labelledby={ids.heading}
      data-busy={log.isFetching || undefined}
    >
      <h2 id={ids.heading} className="roster-heading">
        {labels.auditTitle}
      </h2>
      <div className="roster-toolbar">
        <label className="roster-field">
          <span className="roster-label">{labels.actorFilter}</span>
          <select className="roster-select" value={actorId} onChange={(e) => setActorId(e.target.value)}>
            <option value="">{labels.anyone}</option>
            {people.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name ?? m.email}
              </option>
            ))}
          </select>
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.actionFilter}</span>
          <input
            className="roster-input"
            value={action}
            list={ids.actions}
            maxLength={64}
            placeholder={labels.actionPlaceholder}
            onChange={(e) => setAction(e.target.value)}
          />
          <datalist id={ids.actions}>
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.targetFilter}</span>
          <select
            className="roster-select"
            value={target?.type ?? targetType}
            onChange={(e) => {
              setTarget(null);
              setTargetType(e.target.value);
            }}
          >
            <option value="">{labels.anyTarget}</option>
            {TARGET_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.fromDate}</span>
          <input
            className="roster-input"
            type="date"
            value={from}
            max={to || undefined}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.toDate}</span>
          <input
            className="roster-input"
            type="date"
            value={to}
            min={from || undefined}
            onChange={(e) => setTo(e.target.value)}
          />
        </label>
        {filtered ? (
          <button type="button" className="roster-button" onClick={clear}>
            {labels.clearFilters}
          </button>
        ) : null}
      </div>
      {target ? (
        <p className="roster-chips">
          <span className="roster-chip">
            {labels.onlyTarget(`${target.type} ${target.id}`)}
            <button
              type="button"
              className="roster-chip-remove"
              aria-label={labels.allTargets}
              onClick={() => setTarget(null)}
            >
              ×
            </button>
          </span>
        </p>
      ) : null}

      {items.length > 0 ? (
        <table className="roster-table" aria-labelledby={ids.heading} aria-busy={log.isFetching}>
          <thead>
            <tr>
              <th scope="col">{labels.columnWhen}</th>
              <th scope="col">{labels.columnWhat}</th>
              <th scope="col">{labels.columnTarget}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className="roster-row" data-action={e.action}>
                <td>
                  <time dateTime={e.createdAt}>{labels.formatDateTime(e.createdAt)}</time>
                </td>
                <td>
                  <span className="roster-audit-sentence">{auditSentence(e, labels)}</span>{" "}
                  <code className="roster-code" title={e.actor?.email}>
                    {e.action}
                  </code>
                </td>
                <td>
                  {e.targetType && e.targetId ? (
                    <button
                      type="button"
                      className="roster-link"
                      aria-label={labels.showOnlyTarget(targetText(e))}
                      onClick={() => setTarget({ type: e.targetType!, id: e.targetId! })}
                    >
                      {targetText(e)}
                    </button>
                  ) : (
                    targetText(e)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : log.isPending ? (
        <p className="roster-note" data-status="loading">
          {labels.loadingAudit}
        </p>
      ) : log.error ? (
        <div className="roster-error" data-status="error">
          <p>{errorMessage(log.error, labels)}</p>
          <button type="button" className="roster-button" onClick={() => log.refetch()}>
            {labels.retry}
          </button>
        </div>
      ) : (
        <p className="roster-note" data-status="empty">
          {filtered ? labels.noEventsMatch : labels.noEvents}
        </p>
      )}

      {log.hasNextPage ? (
        <button
          type="button"
          className="roster-button roster-load-more"
          disabled={log.isFetchingNextPage}
          aria-busy={log.isFetchingNextPage}
          onClick={() => log.fetchNextPage()}
        >
          {log.isFetchingNextPage ? labels.loading : labels.loadMore}
        </button>
      ) : null}
    </section>
  );
}
