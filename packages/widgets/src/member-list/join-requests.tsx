import { useId, useState } from "react";
import {
  useApproveJoinRequest,
  usePendingJoinRequests,
  useRejectJoinRequest,
} from "../hooks/join-requests.js";
import { useLabels } from "../provider.js";
import type { JoinRequest, Role } from "../types.js";

export type JoinRequestAction =
  | { type: "approveRequest"; orgId: string; requestId: string; role: string }
  | { type: "rejectRequest"; orgId: string; requestId: string };

type Run = <R>(
  action: JoinRequestAction,
  key: string,
  perform: () => Promise<R>,
  describe: (result: R) => string,
) => Promise<unknown>;

export interface JoinRequestsProps {
  orgId: string;
  /** Roles the viewer may give (no more than they hold). */
  grantable: Role[];
  roleName: (key: string) => string;
  busy: string | null;
  run: Run;
}

/** Pending requests to join, shown above the member list to people who may add members. */
export function JoinRequests({ orgId, grantable, roleName, busy, run }: JoinRequestsProps) {
  const labels = useLabels();
  const headingId = useId();
  const requests = usePendingJoinRequests(orgId);
  const approve = useApproveJoinRequest();
  const reject = useRejectJoinRequest();
  const [roles, setRoles] = useState<Record<string, string>>({});
  const items = requests.data?.items ?? [];
  if (items.length === 0) return null;

  const defaultRole = grantable.some((r) => r.key === "member") ? "member" : (grantable[0]?.key ?? "member");
  const roleOf = (r: JoinRequest) => roles[r.id] ?? defaultRole;

  return (
    <section className="roster-join-requests" aria-labelledby={headingId}>
      <h3 id={headingId} className="roster-subheading">
        {labels.requestsTitle}
      </h3>
      <ul className="roster-invitations">
        {items.map((r) => (
          <li key={r.id} className="roster-invitation">
            <p className="roster-invitation-text">{labels.requestText(r.user.name, r.user.email)}</p>
            <div className="roster-invitation-actions">
              <label className="roster-field" data-inline>
                <span className="roster-visually-hidden">{labels.requestRole(r.user.name)}</span>
                <select
                  className="roster-select"
                  value={roleOf(r)}
                  disabled={busy !== null}
                  onChange={(e) => setRoles((current) => ({ ...current, [r.id]: e.target.value }))}
                >
                  {grantable.map((role) => (
                    <option key={role.key} value={role.key}>
                      {roleName(role.key)}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="roster-button"
                data-variant="primary"
                disabled={busy !== null}
                aria-busy={busy === `approve:${r.id}`}
                onClick={() => {
                  const role = roleOf(r);
                  void run(
                    { type: "approveRequest", orgId, requestId: r.id, role },
                    `approve:${r.id}`,
                    () => approve.mutateAsync({ orgId, requestId: r.id, role }),
                    () => labels.approved(r.user.name, roleName(role)),
                  );
                }}
              >
                {labels.approve}
                <span className="roster-visually-hidden"> {r.user.name}</span>
              </button>
              <button
                type="button"
                className="roster-button"
                disabled={busy !== null}
                aria-busy={busy === `reject:${r.id}`}
                onClick={() =>
                  void run(
                    { type: "rejectRequest", orgId, requestId: r.id },
                    `reject:${r.id}`,
                    () => reject.mutateAsync({ orgId, requestId: r.id }),
                    () => labels.rejected(r.user.name),
                  )
                }
              >
                {labels.reject}
                <span className="roster-visually-hidden"> {r.user.name}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
