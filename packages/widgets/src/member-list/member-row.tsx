import { useLabels } from "../provider.js";
import type { MemberListItem, Permission } from "../types.js";
import type { OpenDialog } from "./member-dialogs.js";

interface MemberRowProps {
  item: MemberListItem;
  self: boolean;
  roleName: string;
  can: (permission: Permission) => boolean;
  /** Whether the viewer's role may act on this member's role at all (an admin never on an owner). */
  mayAct: boolean;
  selectable: boolean;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  /** The key of the action in flight, if any (`deactivate:<id>`, …). */
  busy: string | null;
  onOpen: (dialog: OpenDialog) => void;
  onReactivate: (item: MemberListItem) => void;
  onResend: (item: MemberListItem) => void;
  onCopyLink: (item: MemberListItem) => void;
  /** How the last action went, shown next to the copy-link button when it was this row's. */
  outcome?: { key?: string; text: string; tone: "success" | "error" } | null;
}

/** A button that shows while its action runs (disabled, aria-busy, data-busy). */
function RowButton(props: {
  label: string;
  who: string;
  busyKey: string;
  busy: string | null;
  danger?: boolean;
  onClick: () => void;
}) {
  const busy = props.busy === props.busyKey;
  return (
    <button
      type="button"
      className="roster-button"
      data-size="small"
      data-variant={props.danger ? "danger" : undefined}
      disabled={props.busy !== null}
      aria-busy={busy}
      data-busy={busy || undefined}
      onClick={props.onClick}
    >
      {props.label}
      <span className="roster-visually-hidden"> {props.who}</span>
    </button>
  );
}

/**
 * How a row's action went, where the eyes are: by its button. The status region below the table
 * announces it; this copy is for sight only.
 */
function InlineOutcome({ name, outcome }: { name: string; outcome: { text: string; tone: string } }) {
  return (
    <span className="roster-inline-outcome" data-outcome={name} data-tone={outcome.tone} aria-hidden="true">
      {outcome.text}
    </span>
  );
}

export function MemberRow(props: MemberRowProps) {
  const labels = useLabels();
  const { item, can, busy } = props;
  const who = item.name ?? item.email;
  const isMember = item.kind === "member";
  const date = labels.formatDate(item.createdAt);
  const common = { who, busy };

  const actions = [];
  if (isMember && !props.self && props.mayAct) {
    if (can("members:update_role")) {
      actions.push(
        <RowButton
          key="role"
          {...common}
          label={labels.changeRole}
          busyKey={`role:${item.id}`}
          onClick={() => props.onOpen({ kind: "role", item })}
        />,
      );
    }
    if (can("members:deactivate")) {
      actions.push(
        item.status === "deactivated" ? (
          <RowButton
            key="reactivate"
            {...common}
            label={labels.reactivate}
            busyKey={`reactivate:${item.id}`}
            onClick={() => props.onReactivate(item)}
          />
        ) : (
          <RowButton
            key="deactivate"
            {...common}
            label={labels.deactivate}
            busyKey={`deactivate:${item.id}`}
            danger
            onClick={() => props.onOpen({ kind: "deactivate", item })}
          />
        ),
      );
    }
    if (can("members:remove")) {
      actions.push(
        <RowButton
          key="remove"
          {...common}
          label={labels.remove}
          busyKey="remove"
          danger
          onClick={() => props.onOpen({ kind: "remove", items: [item] })}
        />,
      );
    }
  } else if (!isMember && can("members:invite")) {
    actions.push(
      <RowButton
        key="resend"
        {...common}
        label={labels.resend}
        busyKey={`resend:${item.id}`}
        onClick={() => props.onResend(item)}
      />,
    );
    // Sent again, or refused with when it may be sent again: said by the button.
    if (props.outcome?.key === `resend:${item.id}` && props.busy === null) {
      actions.push(<InlineOutcome key="resend-outcome" name="resend" outcome={props.outcome} />);
    }
    if (item.status === "invited") {
      actions.push(
        <RowButton
          key="link"
          {...common}
          label={labels.copyLink}
          busyKey={`link:${item.id}`}
          onClick={() => props.onCopyLink(item)}
        />,
      );
      // Where the eyes are: the confirmation (or the link to copy by hand) sits by the button.
      // The status region below the table announces it; this copy is for sight only.
      if (props.outcome?.key === `link:${item.id}` && props.busy === null) {
        actions.push(<InlineOutcome key="link-outcome" name="copy-link" outcome={props.outcome} />);
      }
    }
    actions.push(
      <RowButton
        key="revoke"
        {...common}
        label={labels.revoke}
        busyKey={`revoke:${item.id}`}
        danger
        onClick={() => props.onOpen({ kind: "revoke", item })}
      />,
    );
  }

  return (
    <tr
      className="roster-row"
      data-kind={item.kind}
      data-status={item.status}
      data-selected={props.selected || undefined}
    >
      {props.selectable || can("members:remove") ? (
        <td className="roster-select-cell">
          {props.selectable ? (
            <input
              type="checkbox"
              className="roster-checkbox"
              aria-label={labels.selectMember(who)}
              checked={props.selected}
              onChange={(e) => props.onSelect(e.target.checked)}
            />
          ) : null}
        </td>
      ) : null}
      <td>
        <span className="roster-name">
          {who}
          {props.self ? <span className="roster-muted"> {labels.you}</span> : null}
        </span>
        {item.name ? <span className="roster-email">{item.email}</span> : null}
        {item.serviceAccount ? <span className="roster-muted"> · {labels.serviceAccount}</span> : null}
      </td>
      <td>{props.roleName}</td>
      <td>
        <span className="roster-badge" data-status={item.status}>
          {labels.status[item.status]}
        </span>
      </td>
      <td>
        <time dateTime={item.createdAt}>
          {isMember
            ? labels.joinedOn(date)
            : item.status === "expired" && item.expiresAt
              ? labels.expiredOn(labels.formatDate(item.expiresAt))
              : labels.invitedOn(date)}
        </time>
      </td>
      <td>
        <div className="roster-actions">{actions}</div>
      </td>
    </tr>
  );
}
