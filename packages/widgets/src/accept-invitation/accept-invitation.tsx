import type { RouterOutputs } from "@roster/sdk";
import { type ReactNode, useId, useState } from "react";
import { errorMessage, errorReason } from "../errors.js";
import { useAcceptInvitation, useDeclineInvitation, useInvitationPreview } from "../hooks/invitations.js";
import { useViewer } from "../hooks/organizations.js";
import type { WidgetErrorReason } from "../labels.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type InvitationPreview = RouterOutputs["invitations"]["preview"];

export type InvitationResponse =
  | { type: "accept"; invitationId: string; orgId: string }
  | { type: "decline"; invitationId: string; orgId: string };

export interface AcceptInvitationProps extends ActionCallbacks<InvitationResponse> {
  /** The invitation token from the link the invitee opened (`{token}` in the host's URL). */
  token: string;
  className?: string;
  /**
   * The invitee is not signed in (or is signed in as someone else): the host signs them in with
   * its own flow, then renders the widget again with their embed token.
   */
  onSignIn?: (invitation: InvitationPreview) => void;
  /** Like `onSignIn`, for an address with no account yet (`invitation.accountExists` is false). */
  onSignUp?: (invitation: InvitationPreview) => void;
  /** Called once the invitation is accepted, so the host can open the organization. */
  onAccepted?: (accepted: { orgId: string }) => void;
  onDeclined?: (declined: { orgId: string }) => void;
}

const closedReason: Record<string, WidgetErrorReason> = {
  expired: "INVITATION_EXPIRED",
  accepted: "INVITATION_ALREADY_ACCEPTED",
  declined: "INVITATION_DECLINED",
  revoked: "INVITATION_REVOKED",
};

const signedOutReasons = new Set(["UNAUTHENTICATED", "INVALID_SESSION", "SESSION_EXPIRED"]);

/**
 * The page an invitation link opens, inside the host: who invites whom to which organization, as
 * what; then sign in or sign up through the host, and accept or decline. Its state is in
 * `data-state`: loading, invalid, closed, signed-out, other-account, ready, accepted, declined.
 */
export function AcceptInvitation({
  token,
  className,
  onSignIn,
  onSignUp,
  onAccepted,
  onDeclined,
  onBefore,
  onAfter,
}: AcceptInvitationProps) {
  const labels = useLabels();
  const headingId = useId();
  const preview = useInvitationPreview(token);
  const viewer = useViewer();
  const accept = useAcceptInvitation();
  const decline = useDeclineInvitation();
  const action = useAction<InvitationResponse>({ onBefore, onAfter });
  const [answered, setAnswered] = useState<"accept" | "decline" | null>(null);
  const root = (state: string, children: ReactNode) => (
    <section
      className={classNames("roster-widget roster-accept-invitation", className)}
      aria-labelledby={headingId}
      data-state={state}
      data-busy={action.busy !== null || undefined}
    >
      {children}
    </section>
  );

  if (preview.isPending || (preview.data && viewer.isPending)) {
    return root(
      "loading",
      <p id={headingId} className="roster-note" aria-busy="true">
        {labels.loadingInvitation}
      </p>,
    );
  }
  if (preview.error || !preview.data) {
    return root(
      "invalid",
      <p id={headingId} className="roster-error" role="alert">
        {errorMessage(preview.error, labels)}
      </p>,
    );
  }
  const invitation = preview.data;
  const org = invitation.organization.name;
  const heading = (
    <>
      <h2 id={headingId} className="roster-heading">
        {labels.joinTitle(org)}
      </h2>
      <p className="roster-invitation-text">
        {labels.invitationText(
          invitation.inviter?.name ?? null,
          org,
          roleLabel(labels, invitation.role, invitation.roleName),
        )}
      </p>
      <p className="roster-note">{labels.invitationFor(invitation.email)}</p>
    </>
  );

  if (answered) {
    return root(
      answered === "accept" ? "accepted" : "declined",
      <>
        {heading}
        <StatusRegion outcome={action.outcome} />
      </>,
    );
  }
  const closed = closedReason[invitation.status];
  if (closed) {
    return root(
      "closed",
      <>
        {heading}
        <p className="roster-error" role="alert">
          {labels.messages[closed]}
        </p>
      </>,
    );
  }

  const me = viewer.data?.user;
  if (!me) {
    const reason = errorReason(viewer.error);
    if (reason && !signedOutReasons.has(reason)) {
      return root(
        "invalid",
        <>
          {heading}
          <p className="roster-error" role="alert">
            {errorMessage(viewer.error, labels)}
          </p>
        </>,
      );
    }
    const signUp = !invitation.accountExists && onSignUp;
    return root(
      "signed-out",
      <>
        {heading}
        <p>{signUp ? labels.signUpToAccept : labels.signInToAccept}</p>
        <div className="roster-invitation-actions">
          {signUp ? (
            <button
              type="button"
              className="roster-button"
              data-variant="primary"
              onClick={() => onSignUp(invitation)}
            >
              {labels.signUp}
            </button>
          ) : null}
          {onSignIn ? (
            <button
              type="button"
              className="roster-button"
              data-variant={signUp ? undefined : "primary"}
              onClick={() => onSignIn(invitation)}
            >
              {labels.signIn}
            </button>
          ) : null}
        </div>
      </>,
    );
  }
  if (me.email.toLowerCase() !== invitation.email.toLowerCase()) {
    return root(
      "other-account",
      <>
        {heading}
        <p className="roster-warning">{labels.signedInAsOther(me.email)}</p>
        {onSignIn ? (
          <div className="roster-invitation-actions">
            <button type="button" className="roster-button" onClick={() => onSignIn(invitation)}>
              {labels.signInOther}
            </button>
          </div>
        ) : null}
      </>,
    );
  }

  const respond = async (type: "accept" | "decline") => {
    const orgId = invitation.organization.id;
    const result = await action.run(
      { type, invitationId: invitation.id, orgId },
      type,
      (): Promise<unknown> =>
        type === "accept"
          ? accept.mutateAsync({ token })
          : decline.mutateAsync({ invitationId: invitation.id }),
      () => (type === "accept" ? labels.accepted(org) : labels.declined(org)),
    );
    if (!result.ok) return;
    setAnswered(type);
    (type === "accept" ? onAccepted : onDeclined)?.({ orgId });
  };

  return root(
    "ready",
    <>
      {heading}
      <div className="roster-invitation-actions">
        {(["accept", "decline"] as const).map((type) => {
          const busy = action.busy === type;
          return (
            <button
              key={type}
              type="button"
              className="roster-button"
              data-variant={type === "accept" ? "primary" : undefined}
              disabled={action.busy !== null}
              aria-busy={busy}
              data-busy={busy || undefined}
              onClick={() => void respond(type)}
            >
              {type === "accept" ? labels.accept : labels.decline}
            </button>
          );
        })}
      </div>
      <StatusRegion outcome={action.outcome} busy={action.busy !== null} />
    </>,
  );
}
