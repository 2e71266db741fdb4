import type { Database, Invitation } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { consumeRateLimit } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { invitationUrl } from "./host-links.js";
import { renewAndSend } from "./invitation-sending.js";
import {
  type InvitationState,
  type InvitationView,
  invitationNotFound,
  invitationState,
  toInvitationView,
} from "./invitations.js";
import { lockInvitation, lockOrganization } from "./locks.js";
import { findInOrg } from "./org-rows.js";
import { reserveSeats } from "./seats.js";

/** What an admin does with an invitation once it is sent: send it again, revoke it, copy its link. */

async function lockOrgInvitation(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
  invitationId: string,
): Promise<Invitation> {
  const inv = await lockInvitation(deps, trx, invitationId, orgId);
  if (!inv) throw invitationNotFound();
  return inv;
}

function notPending(state: InvitationState): never {
  const what = { accepted: "was already accepted", declined: "was declined", revoked: "was revoked" }[
    state as "accepted" | "declined" | "revoked"
  ];
  throw conflict(
    "INVITATION_NOT_PENDING",
    `This invitation ${what ?? "is no longer open"}. Send a new one instead.`,
    {
      status: state,
    },
  );
}

/** Sends the same link again and extends the expiry; limited to 5 sends an hour per invitation. */
export async function resendInvitation(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<InvitationView> {
  const now = deps.clock();
  // Counted outside the transaction, so a refused attempt still counts.
  // Keyed by organization too, so nobody can use up another organization's allowance.
  await consumeRateLimit(deps.db, `invitation-resend:${access.orgId}:${input.invitationId}`, {
    limit: 5,
    windowSeconds: 60 * 60,
    now,
    message: "This invitation was sent several times in the last hour. Wait before sending it again.",
  });
  const inv = await runTransaction(deps, async (trx) => {
    // The organization before the invitation (the lock order), as renewing may take a seat.
    await lockOrganization(deps, trx, access.orgId);
    const inv = await lockOrgInvitation(deps, trx, access.orgId, input.invitationId);
    const state = invitationState(inv, now);
    if (inv.status !== "pending") notPending(state);
    // An expired invitation no longer holds a seat: renewing it takes one again.
    if (state === "expired") await reserveSeats(deps, trx, access.orgId, 1, now);
    return renewAndSend(deps, trx, access, inv.id, now);
  });
  deps.wakeOutbox();
  return toInvitationView(inv, now);
}

export async function revokeInvitation(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<InvitationView> {
  const now = deps.clock();
  const inv = await runTransaction(deps, async (trx) => {
    const inv = await lockOrgInvitation(deps, trx, access.orgId, input.invitationId);
    if (inv.status !== "pending") notPending(invitationState(inv, now));
    const revoked = await trx
      .updateTable("invitations")
      .set({ status: "revoked", responded_by: access.actor.userId, responded_at: now, updated_at: now })
      .where("id", "=", inv.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "invitation.revoked", ["invitation", inv.id], { email: inv.email });
    return revoked;
  });
  return toInvitationView(inv, now);
}

export async function invitationLink(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<{ url: string; expiresAt: string }> {
  const now = deps.clock();
  const inv = await findInOrg(deps.db, "invitations", access.orgId, input.invitationId, invitationNotFound);
  if (inv.status !== "pending") notPending(invitationState(inv, now));
  return {
    url: await invitationUrl(deps, deps.db, inv, deps.sealer.open(inv.token_sealed)),
    expiresAt: inv.expires_at.toISOString(),
  };
}
