import { useEffect, useRef, useState } from "react";
import { useOwnedResources } from "../hooks/members.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { MemberListItem, Role } from "../types.js";
import { ConfirmButtons, Dialog, DialogError } from "../ui/dialog.js";

export type OpenDialog =
  | { kind: "role"; item: MemberListItem }
  | { kind: "deactivate"; item: MemberListItem }
  | { kind: "revoke"; item: MemberListItem }
  /** `transfer` is set once the server said some of them own resources. */
  | { kind: "remove"; items: MemberListItem[]; transfer?: { owners: string[] } };

interface MemberDialogsProps {
  dialog: OpenDialog | null;
  busy: string | null;
  /** Why the last attempt failed, shown inside the dialog (the page behind it is inert). */
  error: string | null;
  roles: Role[];
  /** Active members who could take over resources. */
  candidates: MemberListItem[];
  orgId: string;
  /** The person removing: who takes resources over unless another is chosen. */
  viewerId: string | undefined;
  onClose: () => void;
  fallbackFocus: () => HTMLElement | null;
  act: {
    changeRole: (item: MemberListItem, role: string) => void;
    deactivate: (item: MemberListItem) => void;
    remove: (items: MemberListItem[], transferTo?: { id: string; name: string }) => void;
    revoke: (item: MemberListItem) => void;
  };
}

function RoleDialog({ item, props }: { item: MemberListItem; props: MemberDialogsProps }) {
  const labels = useLabels();
  const [role, setRole] = useState(item.role);
  const who = item.name ?? item.email;
  return (
    <Dialog
      title={labels.changeRoleTitle(who)}
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      onSubmit={() => props.act.changeRole(item, role)}
      actions={
        <ConfirmButtons
          label={labels.save}
          busy={props.busy === `role:${item.id}`}
          onCancel={props.onClose}
        />
      }
    >
      <label className="roster-field">
        <span className="roster-label">{labels.newRole}</span>
        <select className="roster-select" value={role} onChange={(e) => setRole(e.target.value)}>
          {props.roles.map((r) => (
            <option key={r.key} value={r.key}>
              {roleLabel(labels, r.key, r.name)}
            </option>
          ))}
        </select>
      </label>
      <DialogError text={props.error} />
    </Dialog>
  );
}

function RemoveDialog({
  items,
  transfer,
  props,
}: {
  items: MemberListItem[];
  transfer: { owners: string[] } | undefined;
  props: MemberDialogsProps;
}) {
  const labels = useLabels();
  const leaving = new Set(items.map((i) => i.id));
  const heirs = props.candidates.filter((c) => !leaving.has(c.id));
  const [heir, setHeir] = useState("");
  const transferRef = useRef<HTMLSelectElement>(null);
  const owned = useOwnedResources(
    props.orgId,
    items.filter((i) => i.kind === "member").map((i) => i.id),
  );
  // Asked up front when they own resources, or once the server says so.
  const asking = transfer !== undefined || owned.resources.length > 0;
  // When the server asks who takes over, the question gets the focus.
  useEffect(() => {
    if (transfer) transferRef.current?.focus();
  }, [transfer]);
  const byDefault = heirs.find((c) => c.id === props.viewerId) ?? heirs[0];
  const chosen = heirs.find((c) => c.id === heir) ?? byDefault;
  const first = items[0];
  return (
    <Dialog
      title={labels.removeTitle(items.length, first ? (first.name ?? first.email) : "")}
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      onSubmit={() =>
        props.act.remove(
          items,
          asking && chosen ? { id: chosen.id, name: chosen.name ?? chosen.email } : undefined,
        )
      }
      actions={
        <ConfirmButtons
          label={asking ? labels.transferAndRemove : labels.remove}
          busy={props.busy === "remove"}
          danger
          onCancel={props.onClose}
        />
      }
    >
      <p className="roster-dialog-text">{labels.removeBody}</p>
      {items.length > 1 ? (
        <ul className="roster-dialog-list">
          {items.map((i) => (
            <li key={i.id}>{i.name ?? i.email}</li>
          ))}
        </ul>
      ) : null}
      {owned.resources.length > 0 ? (
        <p className="roster-dialog-text" data-owned={owned.resources.length}>
          {labels.ownsResources(owned.resources.map((r) => r.name))}
        </p>
      ) : null}
      {asking ? (
        <label className="roster-field">
          <span className="roster-label">{labels.transferLabel}</span>
          <select
            ref={transferRef}
            className="roster-select"
            value={chosen?.id ?? ""}
            onChange={(e) => setHeir(e.target.value)}
            required
          >
            {heirs.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name ?? c.email}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <DialogError text={props.error} />
    </Dialog>
  );
}

/** The dialogs the member list opens: change role, and confirmations for destructive actions. */
export function MemberDialogs(props: MemberDialogsProps) {
  const labels = useLabels();
  const { dialog } = props;
  if (!dialog) return null;
  switch (dialog.kind) {
    case "role":
      return <RoleDialog key={dialog.item.id} item={dialog.item} props={props} />;
    case "remove":
      return <RemoveDialog key="remove" items={dialog.items} transfer={dialog.transfer} props={props} />;
    case "deactivate": {
      const who = dialog.item.name ?? dialog.item.email;
      return (
        <Dialog
          title={labels.deactivateTitle(who)}
          onClose={props.onClose}
          fallbackFocus={props.fallbackFocus}
          onSubmit={() => props.act.deactivate(dialog.item)}
          actions={
            <ConfirmButtons
              label={labels.deactivate}
              busy={props.busy === `deactivate:${dialog.item.id}`}
              danger
              onCancel={props.onClose}
            />
          }
        >
          <p className="roster-dialog-text">{labels.deactivateBody}</p>
          <DialogError text={props.error} />
        </Dialog>
      );
    }
    case "revoke":
      return (
        <Dialog
          title={labels.revokeTitle(dialog.item.email)}
          onClose={props.onClose}
          fallbackFocus={props.fallbackFocus}
          onSubmit={() => props.act.revoke(dialog.item)}
          actions={
            <ConfirmButtons
              label={labels.revoke}
              busy={props.busy === `revoke:${dialog.item.id}`}
              danger
              onCancel={props.onClose}
            />
          }
        >
          <p className="roster-dialog-text">{labels.revokeBody}</p>
          <DialogError text={props.error} />
        </Dialog>
      );
  }
}
