import { useId, useRef, useState } from "react";
import { errorMessage } from "../errors.js";
import {
  useAddDomain,
  useDomains,
  useRemoveDomain,
  useSetDomainEnrollment,
  useVerifyDomain,
} from "../hooks/domains.js";
import { usePermissions, useRoles } from "../hooks/organizations.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, Domain } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { ConfirmButtons, Dialog } from "../ui/dialog.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

type Enrollment = Domain["enrollment"];

export type DomainAction =
  | { type: "addDomain"; orgId: string; domain: string }
  | { type: "verifyDomain"; orgId: string; domainId: string; method: "dns" | "email" }
  | { type: "setEnrollment"; orgId: string; domainId: string; enrollment: Enrollment; defaultRole: string }
  | { type: "removeDomain"; orgId: string; domainId: string };

export interface DomainsProps extends ActionCallbacks<DomainAction> {
  orgId: string;
  className?: string;
}

const enrollments: Enrollment[] = ["off", "invitation", "suggestion"];

/**
 * An organization's verified domains, as a self-serve admin section: add a domain, copy its TXT
 * record, verify it (by DNS, or by the owner's confirmed address on it), choose what happens to
 * people on it (invited automatically, or may ask to join), remove it.
 */
export function Domains({ orgId, className, onBefore, onAfter }: DomainsProps) {
  const labels = useLabels();
  const ids = { heading: useId(), input: useId() };
  const headingRef = useRef<HTMLHeadingElement>(null);
  const permissions = usePermissions(orgId);
  const canManage = permissions.can("domains:manage");
  const domains = useDomains(orgId, canManage);
  const roles = useRoles(orgId);
  const add = useAddDomain();
  const verify = useVerifyDomain();
  const setEnrollment = useSetDomainEnrollment();
  const remove = useRemoveDomain();
  const action = useAction<DomainAction>({ onBefore, onAfter });
  const [name, setName] = useState("");
  const [choices, setChoices] = useState<Record<string, { enrollment: Enrollment; defaultRole: string }>>({});
  const [removing, setRemoving] = useState<Domain | null>(null);
  const busy = action.busy !== null;
  const grantable = (roles.data ?? []).filter((r) => r.key !== "owner");

  if (permissions.error || (permissions.isSuccess && !canManage)) {
    return (
      <section
        className={classNames("roster-widget roster-domains", className)}
        aria-labelledby={ids.heading}
      >
        <h2 id={ids.heading} className="roster-heading">
          {labels.domainsTitle}
        </h2>
        <p className="roster-note" data-status={permissions.error ? "error" : "forbidden"}>
          {permissions.error ? errorMessage(permissions.error, labels) : labels.cannotManageDomains}
        </p>
      </section>
    );
  }

  const choiceOf = (d: Domain) => choices[d.id] ?? { enrollment: d.enrollment, defaultRole: d.defaultRole };
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      action.setOutcome({ tone: "success", text: labels.copied });
    } catch {
      action.setOutcome({ tone: "error", text: text });
    }
  };

  const act = {
    add: async () => {
      const domain = name.trim();
      const result = await action.run(
        { type: "addDomain", orgId, domain },
        "add",
        () => add.mutateAsync({ orgId, domain }),
        (added) => labels.domainAdded(added.domain),
      );
      if (result.ok) setName("");
    },
    verify: (d: Domain, method: "dns" | "email") =>
      action.run(
        { type: "verifyDomain", orgId, domainId: d.id, method },
        `verify:${method}:${d.id}`,
        () => verify.mutateAsync({ orgId, domainId: d.id, method }),
        () => labels.domainVerified(d.domain),
      ),
    save: (d: Domain) => {
      const choice = choiceOf(d);
      return action.run(
        { type: "setEnrollment", orgId, domainId: d.id, ...choice },
        `enrollment:${d.id}`,
        () => setEnrollment.mutateAsync({ orgId, domainId: d.id, ...choice }),
        () => labels.enrollmentSaved(d.domain),
      );
    },
    remove: async (d: Domain) => {
      const result = await action.run(
        { type: "removeDomain", orgId, domainId: d.id },
        `remove:${d.id}`,
        () => remove.mutateAsync({ orgId, domainId: d.id }),
        () => labels.domainRemoved(d.domain),
      );
      if (result.ok) setRemoving(null);
    },
  };
  const list = domains.data ?? [];

  return (
    <section
      className={classNames("roster-widget roster-domains", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || domains.isFetching || undefined}
    >
      <h2 id={ids.heading} ref={headingRef} tabIndex={-1} className="roster-heading">
        {labels.domainsTitle}
      </h2>
      <p className="roster-hint">{labels.domainsIntro}</p>
      <form
        className="roster-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void act.add();
        }}
      >
        <label className="roster-field" htmlFor={ids.input}>
          <span className="roster-label">{labels.domainName}</span>
          <input
            id={ids.input}
            className="roster-input"
            value={name}
            maxLength={253}
            placeholder="example.com"
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="roster-button"
          data-variant="primary"
          disabled={busy || name.trim() === ""}
        >
          {labels.addDomain}
        </button>
      </form>

      {list.length > 0 ? (
        <ul className="roster-domain-list">
          {list.map((d) => {
            const choice = choiceOf(d);
            return (
              <li key={d.id} className="roster-domain" data-status={d.status}>
                <h3 className="roster-subheading">
                  {d.domain}{" "}
                  <span className="roster-badge" data-status={d.status}>
                    {d.status === "verified" && d.verifiedAt
                      ? labels.domainVerifiedOn(labels.formatDate(d.verifiedAt))
                      : labels.domainPending}
                  </span>
                </h3>
                {d.status === "pending" ? (
                  <>
                    <p className="roster-hint">{labels.dnsRecordHint}</p>
                    <dl className="roster-record">
                      {(
                        [
                          [labels.recordName, d.dnsRecord.name],
                          [labels.recordValue, d.dnsRecord.value],
                        ] as const
                      ).map(([what, value]) => (
                        <div key={what} className="roster-record-line">
                          <dt>{what}</dt>
                          <dd>
                            <code>{value}</code>{" "}
                            <button
                              type="button"
                              className="roster-button"
                              data-size="small"
                              onClick={() => void copy(value)}
                            >
                              {labels.copyValue(what)}
                            </button>
                          </dd>
                        </div>
                      ))}
                    </dl>
                    <div className="roster-invitation-actions">
                      <button
                        type="button"
                        className="roster-button"
                        data-variant="primary"
                        disabled={busy}
                        aria-busy={action.busy === `verify:dns:${d.id}`}
                        onClick={() => void act.verify(d, "dns")}
                      >
                        {labels.verifyDns}
                      </button>
                      <button
                        type="button"
                        className="roster-button"
                        disabled={busy}
                        aria-busy={action.busy === `verify:email:${d.id}`}
                        onClick={() => void act.verify(d, "email")}
                      >
                        {labels.verifyEmail}
                      </button>
                    </div>
                  </>
                ) : (
                  <form
                    className="roster-toolbar"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void act.save(d);
                    }}
                  >
                    <label className="roster-field">
                      <span className="roster-label">{labels.enrollmentLabel(d.domain)}</span>
                      <select
                        className="roster-select"
                        value={choice.enrollment}
                        onChange={(e) =>
                          setChoices((c) => ({
                            ...c,
                            [d.id]: { ...choice, enrollment: e.target.value as Enrollment },
                          }))
                        }
                      >
                        {enrollments.map((value) => (
                          <option key={value} value={value}>
                            {labels.enrollment[value]}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label className="roster-field">
                      <span className="roster-label">{labels.defaultRoleLabel}</span>
                      <select
                        className="roster-select"
                        value={choice.defaultRole}
                        onChange={(e) =>
                          setChoices((c) => ({ ...c, [d.id]: { ...choice, defaultRole: e.target.value } }))
                        }
                      >
                        {grantable.map((r) => (
                          <option key={r.key} value={r.key}>
                            {roleLabel(labels, r.key, r.name)}
                          </option>
                        ))}
                      </select>
                    </label>
                    <button type="submit" className="roster-button" disabled={busy}>
                      {labels.saveEnrollment}
                    </button>
                  </form>
                )}
                <button
                  type="button"
                  className="roster-button"
                  data-size="small"
                  data-variant="danger"
                  disabled={busy}
                  onClick={() => {
                    action.setOutcome(null);
                    setRemoving(d);
                  }}
                >
                  {labels.removeDomain(d.domain)}
                </button>
              </li>
            );
          })}
        </ul>
      ) : domains.isPending ? (
        <p className="roster-note" data-status="loading">
          {labels.loadingDomains}
        </p>
      ) : domains.error ? (
        <div className="roster-error" data-status="error">
          <p>{errorMessage(domains.error, labels)}</p>
          <button type="button" className="roster-button" onClick={() => domains.refetch()}>
            {labels.retry}
          </button>
        </div>
      ) : (
        <p className="roster-note" data-status="empty">
          {labels.noDomains}
        </p>
      )}

      <StatusRegion outcome={action.outcome} busy={busy} />

      {removing ? (
        <Dialog
          title={labels.removeDomain(removing.domain)}
          onClose={() => setRemoving(null)}
          fallbackFocus={() => headingRef.current}
          onSubmit={() => void act.remove(removing)}
          actions={
            <ConfirmButtons
              label={labels.removeDomain(removing.domain)}
              busy={action.busy === `remove:${removing.id}`}
              danger
              onCancel={() => setRemoving(null)}
            />
          }
        />
      ) : null}
    </section>
  );
}
