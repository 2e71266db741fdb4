import { useId } from "react";
import { errorReason } from "../errors.js";
import { useAcceptInvitation, useDeclineInvitation, useMyInvitations } from "../hooks/invitations.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, MyInvitation } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type AcceptAction =
  | { type: "accept"; invitationId: string; orgId: string }
  | { type: "decline"; invitationId: string; orgId: string };

export interface AcceptBannerProps extends ActionCallbacks<AcceptAction> {
  className?: string;
  /** Called after an invitation was accepted, so the host can open that organization. */
  onAccepted?: (accepted: { orgId: string }) => void;
}

/**
 * The signed-in person's open invitations, each with Accept and Decline. Renders nothing when
 * there are none; a short note when their address is not confirmed yet.
 */
export function AcceptBanner({ className, onAccepted, onBefore, onAfter }: AcceptBannerProps) {
  const labels = useLabels();
  const headingId = useId();
  const mine = useMyInvitations();
  const accept = useAcceptInvitation();
  const decline = useDeclineInvitation();
  const action = useAction<AcceptAction>({ onBefore, onAfter });

  if (errorReason(mine.error) === "EMAIL_NOT_VERIFIED") {
    return (
      <p
        className={classNames("roster-widget roster-accept-banner roster-note", className)}
        data-status="unverified"
      >
        {labels.messages.EMAIL_NOT_VERIFIED}
      </p>
    );
  }
  const invitations = mine.data ?? [];
  // The section stays while it has something to say about the last answer.
  if (invitations.length === 0 && !action.outcome) return null;

  const respond = async (invitation: MyInvitation, type: "accept" | "decline") => {
    const orgId = invitation.organization.id;
    const name = invitation.organization.name;
    const result = await action.run(
      { type, invitationId: invitation.id, orgId },
      `${type}:${invitation.id}`,
      (): Promise<unknown> =>
        type === "accept"
          ? accept.mutateAsync({ invitationId: invitation.id })
          : decline.mutateAsync({ invitationId: invitation.id }),
      () => (type === "accept" ? labels.accepted(name) : labels.declined(name)),
    );
    if (result.ok && type === "accept") onAccepted?.({ orgId });
  };

  return (
    <section
      className={classNames("roster-widget roster-accept-banner", className)}
      aria-labelledby={headingId}
      data-busy={action.busy !== null || undefined}
    >
      <h2 id={headingId} className="roster-heading">
        {labels.invitationsTitle}
      </h2>
      {invitations.length > 0 ? (
        <ul className="roster-invitations">
          {invitations.map((invitation) => (
            <li key={invitation.id} className="roster-invitation">
              <p className="roster-invitation-text">
                {labels.invitationText(
                  invitation.inviter?.name ?? null,
                  invitation.organization.name,
                  roleLabel(labels, invitation.role, invitation.roleName),
                )}
              </p>
              <div className="roster-invitation-actions">
                {(["accept", "decline"] as const).map((type) => {
                  const busy = action.busy === `${type}:${invitation.id}`;
                  return (
                    <button
                      key={type}
                      type="button"
                      className="roster-button"
                      data-variant={type === "accept" ? "primary" : undefined}
                      disabled={action.busy !== null}
                      aria-busy={busy}
                      data-busy={busy || undefined}
                      onClick={() => void respond(invitation, type)}
                    >
                      {type === "accept" ? labels.accept : labels.decline}
                      <span className="roster-visually-hidden"> {invitation.organization.name}</span>
                    </button>
                  );
                })}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <StatusRegion outcome={action.outcome} busy={action.busy !== null} />
    </section>
  );
}
