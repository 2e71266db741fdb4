import { useId, useRef, useState } from "react";
import { errorDetails, errorMessage, errorReason } from "../errors.js";
import { useInvitationLink, useResendInvitation, useRevokeInvitation } from "../hooks/invitations.js";
import {
  type MemberFilters,
  useDeactivateMember,
  useMembers,
  useReactivateMember,
  useRemoveMembers,
  useUpdateMemberRole,
} from "../hooks/members.js";
import { usePermissions, useRoles, useViewer } from "../hooks/organizations.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, MemberListItem, MemberStatus, Permission } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";
import { useDebounced } from "../ui/use-debounced.js";
import { DeclinedInvitations } from "./declined-invitations.js";
import { type JoinRequestAction, JoinRequests } from "./join-requests.js";
import { MemberDialogs, type OpenDialog } from "./member-dialogs.js";
import { MemberRow } from "./member-row.js";

export type MemberAction =
  | { type: "updateRole"; orgId: string; userId: string; role: string }
  | { type: "deactivate"; orgId: string; userId: string }
  | { type: "reactivate"; orgId: string; userId: string }
  | { type: "remove"; orgId: string; userIds: string[]; transferTo?: string }
  | { type: "resend"; orgId: string; invitationId: string }
  | { type: "revoke"; orgId: string; invitationId: string }
  | { type: "copyLink"; orgId: string; invitationId: string }
  | JoinRequestAction;

export interface MemberListProps extends ActionCallbacks<MemberAction> {
  orgId: string;
  className?: string;
  /** Rows per page (default 50). */
  pageSize?: number;
}

const statuses: MemberStatus[] = ["active", "invited", "deactivated", "expired"];

export const displayName = (item: MemberListItem) => item.name ?? item.email;

/** Members and pending invitations of one organization, with the actions the viewer may take. */
export function MemberList({ orgId, className, pageSize, onBefore, onAfter }: MemberListProps) {
  const labels = useLabels();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<MemberStatus | "">("");
  const [role, setRole] = useState("");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<OpenDialog | null>(null);

  const filters: MemberFilters = {
    search: useDebounced(search, 250),
    ...(status ? { status } : {}),
    ...(role ? { role } : {}),
    ...(pageSize ? { pageSize } : {}),
  };
  const members = useMembers(orgId, filters);
  const permissions = usePermissions(orgId);
  const roles = useRoles(orgId);
  const viewer = useViewer();
  const action = useAction<MemberAction>({ onBefore, onAfter });

  const updateRole = useUpdateMemberRole();
  const deactivate = useDeactivateMember();
  const reactivate = useReactivateMember();
  const remove = useRemoveMembers();
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const invitationLink = useInvitationLink();

  const roleName = (key: string) => roleLabel(labels, key, roles.data?.find((r) => r.key === key)?.name);
  // The server's rule (assertMayActOn): owners act on anyone; others only on members whose role
  // grants nothing they lack themselves, never on an owner. Rows show only the actions it allows.
  const mayActOn = (targetRole: string) => {
    if (permissions.data?.role === "owner") return true;
    if (targetRole === "owner") return false;
    const target = roles.data?.find((r) => r.key === targetRole);
    return target?.permissions.every((p) => permissions.can(p as Permission)) ?? false;
  };
  const viewerId = viewer.data?.user.id;
  const canRemove = permissions.can("members:remove");
  const items = members.items;
  const selectable = items.filter((i) => i.kind === "member" && i.userId !== viewerId && mayActOn(i.role));
  const selectedItems = selectable.filter((i) => selected.has(i.id));
  const filtered = Boolean(filters.search || status || role);

  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allSelected = selectable.length > 0 && selectedItems.length === selectable.length;

  async function removeMembers(targets: MemberListItem[], heir?: { id: string; name: string }) {
    const userIds = targets.map((t) => t.id);
    const transferTo = heir?.id;
    const result = await action.run(
      { type: "remove", orgId, userIds, ...(transferTo ? { transferTo } : {}) },
      "remove",
      () => remove.mutateAsync({ orgId, userIds, ...(transferTo ? { transferTo } : {}) }),
      (r) =>
        heir && r.transferred > 0
          ? labels.removedWithHandover(r.removed.length, r.transferred, heir.name)
          : labels.removed(r.removed.length),
    );
    if (result.ok) {
      setSelected((current) => new Set([...current].filter((id) => !userIds.includes(id))));
      setDialog(null);
    } else if ("error" in result && errorReason(result.error) === "TRANSFER_REQUIRED") {
      const owners = (errorDetails(result.error)?.owners as { userId: string }[] | undefined) ?? [];
      setDialog({ kind: "remove", items: targets, transfer: { owners: owners.map((o) => o.userId) } });
    }
  }

  const open = (next: OpenDialog | null) => {
    action.setOutcome(null);
    setDialog(next);
  };

  const act = {
    changeRole: async (item: MemberListItem, newRole: string) => {
      const result = await action.run(
        { type: "updateRole", orgId, userId: item.id, role: newRole },
        `role:${item.id}`,
        () => updateRole.mutateAsync({ orgId, userId: item.id, role: newRole }),
        (r) => labels.roleChanged(displayName(item), roleName(r.role)),
      );
      if (result.ok) setDialog(null);
    },
    deactivate: async (item: MemberListItem) => {
      const result = await action.run(
        { type: "deactivate", orgId, userId: item.id },
        `deactivate:${item.id}`,
        () => deactivate.mutateAsync({ orgId, userId: item.id }),
        () => labels.deactivated(displayName(item)),
      );
      if (result.ok) setDialog(null);
    },
    reactivate: (item: MemberListItem) =>
      action.run(
        { type: "reactivate", orgId, userId: item.id },
        `reactivate:${item.id}`,
        () => reactivate.mutateAsync({ orgId, userId: item.id }),
        () => labels.reactivated(displayName(item)),
      ),
    remove: removeMembers,
    resend: (item: MemberListItem) =>
      action.run(
        { type: "resend", orgId, invitationId: item.id },
        `resend:${item.id}`,
        () => resend.mutateAsync({ orgId, invitationId: item.id }),
        () => labels.resent(item.email),
        // Sent too often: say when it may be sent again, not only that it may not be now.
        (error) => {
          const after = errorDetails(error)?.retryAfterSeconds;
          return errorReason(error) === "RATE_LIMITED" && typeof after === "number"
            ? labels.resendTooSoon(item.email, labels.formatRetry(after))
            : undefined;
        },
      ),
    revoke: async (item: MemberListItem) => {
      const result = await action.run(
        { type: "revoke", orgId, invitationId: item.id },
        `revoke:${item.id}`,
        () => revoke.mutateAsync({ orgId, invitationId: item.id }),
        () => labels.revoked(item.email),
      );
      if (result.ok) setDialog(null);
    },
    copyLink: (item: MemberListItem) =>
      action.run(
        { type: "copyLink", orgId, invitationId: item.id },
        `link:${item.id}`,
        async () => {
          const { url } = await invitationLink(orgId, item.id);
          try {
            await navigator.clipboard.writeText(url);
            return { url, copied: true };
          } catch {
            // Without clipboard access (permissions, an insecure page) the link is shown instead.
            return { url, copied: false };
          }
        },
        (r) => (r.copied ? labels.linkCopied : labels.linkNotCopied(r.url)),
      ),
  };

  const listError = members.error;
  const showTable = items.length > 0;

  return (
    <section
      className={classNames("roster-widget roster-member-list", className)}
      aria-labelledby={headingId}
      data-busy={action.busy !== null || members.isFetching || undefined}
    >
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="roster-heading">
        {labels.membersTitle}
      </h2>
      <div className="roster-toolbar">
        <label className="roster-field">
          <span className="roster-label">{labels.search}</span>
          <input
            type="search"
            className="roster-input"
            value={search}
            placeholder={labels.searchPlaceholder}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.statusFilter}</span>
          <select
            className="roster-select"
            value={status}
            onChange={(e) => setStatus(e.target.value as MemberStatus | "")}
          >
            <option value="">{labels.allStatuses}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {labels.status[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="roster-field">
          <span className="roster-label">{labels.roleFilter}</span>
          <select className="roster-select" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{labels.allRoles}</option>
            {roles.data?.map((r) => (
              <option key={r.key} value={r.key}>
                {roleLabel(labels, r.key, r.name)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {permissions.can("members:invite") ? (
        <JoinRequests
          orgId={orgId}
          grantable={(roles.data ?? []).filter((r) => r.key !== "owner" && mayActOn(r.key))}
          roleName={roleName}
          busy={action.busy}
          run={action.run}
        />
      ) : null}

      {canRemove && selectedItems.length > 0 ? (
        <div className="roster-bulk-bar">
          <span>{labels.selectedCount(selectedItems.length)}</span>
          <button
            type="button"
            className="roster-button"
            data-variant="danger"
            onClick={() => open({ kind: "remove", items: selectedItems })}
          >
            {labels.removeSelected}
          </button>
          <button type="button" className="roster-button" onClick={() => setSelected(new Set())}>
            {labels.clearSelection}
          </button>
        </div>
      ) : null}

      {showTable ? (
        <table className="roster-table" aria-labelledby={headingId} aria-busy={members.isFetching}>
          <thead>
            <tr>
              {canRemove ? (
                <th scope="col" className="roster-select-cell">
                  <input
                    type="checkbox"
                    className="roster-checkbox"
                    aria-label={labels.selectAll}
                    checked={allSelected}
                    disabled={selectable.length === 0}
                    onChange={(e) =>
                      setSelected(e.target.checked ? new Set(selectable.map((i) => i.id)) : new Set())
                    }
                  />
                </th>
              ) : null}
              <th scope="col">{labels.columnName}</th>
              <th scope="col">{labels.columnRole}</th>
              <th scope="col">{labels.columnStatus}</th>
              <th scope="col">{labels.columnDate}</th>
              <th scope="col">
                <span className="roster-visually-hidden">{labels.columnActions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <MemberRow
                key={`${item.kind}:${item.id}`}
                item={item}
                self={item.kind === "member" && item.id === viewerId}
                roleName={roleName(item.role)}
                can={permissions.can}
                mayAct={mayActOn(item.role)}
                selectable={
                  canRemove && item.kind === "member" && item.id !== viewerId && mayActOn(item.role)
                }
                selected={selected.has(item.id)}
                onSelect={(on) => toggle(item.id, on)}
                busy={action.busy}
                onOpen={open}
                onReactivate={act.reactivate}
                onResend={act.resend}
                onCopyLink={act.copyLink}
                outcome={action.outcome}
              />
            ))}
          </tbody>
        </table>
      ) : null}

      {members.isPending ? (
        <p className="roster-note" data-status="loading">
          {labels.loadingMembers}
        </p>
      ) : listError && !showTable ? (
        <div className="roster-error" data-status="error">
          <p>{errorMessage(listError, labels)}</p>
          <button type="button" className="roster-button" onClick={() => members.refetch()}>
            {labels.retry}
          </button>
        </div>
      ) : !showTable ? (
        <p className="roster-note" data-status="empty">
          {filtered ? labels.noMatches : labels.noMembers}
        </p>
      ) : null}

      {members.hasNextPage ? (
        <button
          type="button"
          className="roster-button roster-load-more"
          disabled={members.isFetchingNextPage}
          aria-busy={members.isFetchingNextPage}
          data-busy={members.isFetchingNextPage || undefined}
          onClick={() => members.fetchNextPage()}
        >
          {members.isFetchingNextPage ? labels.loading : labels.loadMore}
        </button>
      ) : null}

      <StatusRegion outcome={action.outcome} busy={action.busy !== null} />

      {permissions.can("members:invite") ? <DeclinedInvitations orgId={orgId} roleName={roleName} /> : null}

      <MemberDialogs
        dialog={dialog}
        busy={action.busy}
        error={dialog && action.outcome?.tone === "error" ? action.outcome.text : null}
        roles={roles.data ?? []}
        candidates={items.filter((i) => i.kind === "member" && i.status === "active")}
        orgId={orgId}
        viewerId={viewerId}
        onClose={() => setDialog(null)}
        fallbackFocus={() => headingRef.current}
        act={act}
      />
    </section>
  );
}
