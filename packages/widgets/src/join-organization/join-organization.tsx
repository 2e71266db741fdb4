import { useId } from "react";
import { useJoinSuggestions, useRequestToJoin, useWithdrawJoinRequest } from "../hooks/join-requests.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, JoinSuggestion } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type JoinAction =
  | { type: "request"; orgId: string }
  | { type: "withdraw"; orgId: string; requestId: string };

export interface JoinOrganizationProps extends ActionCallbacks<JoinAction> {
  className?: string;
}

/**
 * Organizations that verified the signed-in person's email domain and welcome requests, each with
 * "Ask to join" (or the open request and "Withdraw request"). Renders nothing when there are none.
 */
export function JoinOrganization({ className, onBefore, onAfter }: JoinOrganizationProps) {
  const labels = useLabels();
  const headingId = useId();
  const suggestions = useJoinSuggestions();
  const request = useRequestToJoin();
  const withdraw = useWithdrawJoinRequest();
  const action = useAction<JoinAction>({ onBefore, onAfter });

  const list = suggestions.data ?? [];
  if (list.length === 0 && !action.outcome) return null;

  const ask = (s: JoinSuggestion) =>
    action.run(
      { type: "request", orgId: s.orgId },
      `request:${s.orgId}`,
      () => request.mutateAsync({ orgId: s.orgId }),
      () => labels.requested(s.name),
    );
  const takeBack = (s: JoinSuggestion, requestId: string) =>
    action.run(
      { type: "withdraw", orgId: s.orgId, requestId },
      `withdraw:${s.orgId}`,
      () => withdraw.mutateAsync({ requestId }),
      () => labels.requestWithdrawn(s.name),
    );

  return (
    <section
      className={classNames("roster-widget roster-join-organization", className)}
      aria-labelledby={headingId}
      data-busy={action.busy !== null || undefined}
    >
      <h2 id={headingId} className="roster-heading">
        {labels.joinableTitle}
      </h2>
      {list.length > 0 ? (
        <ul className="roster-invitations">
          {list.map((s) => {
            const key = s.request ? `withdraw:${s.orgId}` : `request:${s.orgId}`;
            const busy = action.busy === key;
            return (
              <li key={s.orgId} className="roster-invitation" data-requested={s.request ? true : undefined}>
                <p className="roster-invitation-text">
                  {labels.joinText(s.name, s.domain)}
                  {s.request ? <span className="roster-hint"> {labels.requestPending}</span> : null}
                </p>
                <div className="roster-invitation-actions">
                  <button
                    type="button"
                    className="roster-button"
                    data-variant={s.request ? undefined : "primary"}
                    disabled={action.busy !== null}
                    aria-busy={busy}
                    data-busy={busy || undefined}
                    onClick={() => {
                      const open = s.request;
                      void (open ? takeBack(s, open.id) : ask(s));
                    }}
                  >
                    {s.request ? labels.withdrawRequest : labels.requestToJoin}
                    <span className="roster-visually-hidden"> {s.name}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      <StatusRegion outcome={action.outcome} busy={action.busy !== null} />
    </section>
  );
}
