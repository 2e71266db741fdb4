import type { Database, Invitation, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { UserFacts } from "../auth/sessions.js";
import { hashesEqual, hashSecret } from "../auth/tokens.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { recordAudit } from "./audit.js";
import { type InvitationState, invitationNotFound, invitationState } from "./invitations.js";
import { addActiveMember } from "./joining.js";
import { lockAccount, lockInvitation } from "./locks.js";
import { builtInRole } from "./permissions.js";
import { roleName } from "./roles.js";
import { reserveSeats } from "./seats.js";
import { claimInvitationGrants } from "./workspace-grants.js";

/** The invited person's side: their open invitations, the preview behind a link, accept and decline. */

export interface MyInvitation {
  id: string;
  organization: { id: string; name: string; slug: string };
  inviter: { name: string } | null;
  role: string;
  roleName: string;
  email: string;
  expiresAt: string;
  createdAt: string;
}

function requireVerified(user: Pick<User, "email" | "email_verified_at">): void {
  if (!user.email_verified_at) {
    throw forbidden(
      "EMAIL_NOT_VERIFIED",
      `Confirm your email address ${user.email} first: open the link we sent you, or ask for a new one. Then your invitations appear here.`,
    );
  }
}

/** Live invitations to my address — only once I have proven I own it. */
export async function myInvitations(deps: Deps, user: UserFacts): Promise<MyInvitation[]> {
  requireVerified(user);
  const now = deps.clock();
  const rows = await deps.db
    .selectFrom("invitations as i")
    .innerJoin("organizations as o", "o.id", "i.org_id")
    .leftJoin("users as u", "u.id", "i.inviter_id")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "i.org_id").onRef("r.key", "=", "i.role"))
    .select([
      "i.id",
      "i.email",
      "i.role",
      "i.expires_at",
      "i.created_at",
      "o.id as org_id",
      "o.name as org_name",
      "o.slug as org_slug",
      "u.name as inviter_name",
      "r.name as custom_role_name",
    ])
    .where(sql<string>`lower(i.email)`, "=", user.email.toLowerCase())
    .where("i.status", "=", "pending")
    .where("i.expires_at", ">", now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("memberships as m")
            .select("m.user_id")
            .whereRef("m.org_id", "=", "i.org_id")
            .where("m.user_id", "=", user.id),
        ),
      ),
    )
    .orderBy("i.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organization: { id: r.org_id, name: r.org_name, slug: r.org_slug },
    inviter: r.inviter_name ? { name: r.inviter_name } : null,
    role: r.role,
    roleName: builtInRole(r.role)?.name ?? r.custom_role_name ?? r.role,
    email: r.email,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
  }));
}

async function findByToken(db: Kysely<Database>, token: string): Promise<Invitation | undefined> {
  const hash = hashSecret(token);
  const inv = await db
    .selectFrom("invitations")
    .selectAll()
    .where("token_hash", "=", hash)
    .executeTakeFirst();
  return inv && hashesEqual(inv.token_hash, hash) ? inv : undefined;
}

export interface InvitationPreview {
  id: string;
  status: InvitationState;
  email: string;
  role: string;
  roleName: string;
  organization: { id: string; name: string };
  inviter: { name: string } | null;
  expiresAt: string;
  /** Whether an account with the invited address exists: the page offers sign-in or sign-up. */
  accountExists: boolean;
}

/** What the person who opened an invitation link sees before signing in. */
export async function previewInvitation(deps: Deps, input: { token: string }): Promise<InvitationPreview> {
  const inv = await findByToken(deps.db, input.token);
  if (!inv) {
    throw notFound(
      "INVITATION_NOT_FOUND",
      "This invitation link is not valid. Check that you copied all of it.",
    );
  }
  const now = deps.clock();
  const row = await deps.db
    .selectFrom("organizations as o")
    .leftJoin("users as u", (j) => j.on("u.id", "=", inv.inviter_id))
    .select(["o.id", "o.name", "u.name as inviter_name"])
    .select((eb) =>
      eb
        .exists(
          eb.selectFrom("users").select("id").where(sql<string>`lower(email)`, "=", inv.email.toLowerCase()),
        )
        .as("account_exists"),
    )
    .where("o.id", "=", inv.org_id)
    .executeTakeFirstOrThrow();
  const rn = await runTransaction(deps, (trx) => roleName(trx, inv.org_id, inv.role));
  return {
    id: inv.id,
    status: invitationState(inv, now),
    email: inv.email,
    role: inv.role,
    roleName: rn,
    organization: { id: row.id, name: row.name },
    inviter: row.inviter_name ? { name: row.inviter_name } : null,
    expiresAt: inv.expires_at.toISOString(),
    accountExists: Boolean(row.account_exists),
  };
}

function refuseClosed(state: InvitationState): void {
  switch (state) {
    case "accepted":
      throw conflict("INVITATION_ALREADY_ACCEPTED", "This invitation was already accepted.");
    case "revoked":
      throw conflict(
        "INVITATION_REVOKED",
        "This invitation was revoked. Ask the organization for a new one.",
      );
    case "declined":
      throw conflict(
        "INVITATION_DECLINED",
        "This invitation was declined. Ask the organization for a new one.",
      );
    case "expired":
      throw conflict(
        "INVITATION_EXPIRED",
        "This invitation has expired. Ask the organization to send it again.",
      );
  }
}

const emailMismatch = (inv: Invitation) =>
  forbidden(
    "EMAIL_MISMATCH",
    `This invitation was sent to ${inv.email}. Sign in with that address to accept it, or ask for an invitation to your own address.`,
  );

export type AcceptInput = { invitationId: string } | { token: string };

/**
 * Accepting by id needs a verified address equal to the invitation's. Accepting by token needs
 * the same address but not a verified one: the token accepts that one invitation and proves
 * nothing else, since the inviter can read it too (`invitations.link`), so it never marks the
 * address verified. The account, the organization and the invitation are locked in that order
 * (the lock order), so two parallel accepts make one membership and one refusal, and an accept
 * racing a revoke sees it.
 */
export async function acceptInvitation(
  deps: Deps,
  actor: Actor,
  input: AcceptInput,
): Promise<{ orgId: string; role: string }> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    await lockAccount(deps, trx, actor.userId);
    const user = await trx
      .selectFrom("users")
      .selectAll()
      .where("id", "=", actor.userId)
      .executeTakeFirstOrThrow();
    let found: Invitation | undefined;
    if ("token" in input) {
      found = await findByToken(trx, input.token);
      if (!found)
        throw notFound(
          "INVITATION_NOT_FOUND",
          "This invitation link is not valid. Check that you copied all of it.",
        );
    } else {
      found = await trx
        .selectFrom("invitations")
        .selectAll()
        .where("id", "=", input.invitationId)
        .executeTakeFirst();
      // Someone else's invitation is not even confirmed to exist.
      if (found && found.email.toLowerCase() !== user.email.toLowerCase()) found = undefined;
    }
    if (!found) throw invitationNotFound();
    // The pending invitation already holds the seat the membership takes; the organization lock
    // keeps the count exact against invitations created at the same moment.
    await reserveSeats(deps, trx, found.org_id, 0, now);
    // Read again under its lock: a parallel accept, revoke or decline may have closed it.
    const inv = await lockInvitation(deps, trx, found.id);
    if (!inv) throw invitationNotFound();
    if (inv.email.toLowerCase() !== user.email.toLowerCase()) throw emailMismatch(inv);
    if ("invitationId" in input) requireVerified(user);
    refuseClosed(invitationState(inv, now));

    await addActiveMember(
      deps,
      trx,
      {
        orgId: inv.org_id,
        userId: user.id,
        role: inv.role,
        metadata: inv.metadata,
        invitedBy: inv.inviter_id,
      },
      now,
      "You are already a member of this organization.",
    );
    await trx
      .updateTable("invitations")
      .set({ status: "accepted", responded_by: user.id, responded_at: now, updated_at: now })
      .where("id", "=", inv.id)
      .execute();
    // Workspaces named in (or granted to) the invitation become the new member's.
    await claimInvitationGrants(trx, inv.org_id, inv.id, user.id, now);
    await trx
      .updateTable("users")
      .set({ last_active_org_id: inv.org_id })
      .where("id", "=", user.id)
      .execute();
    await recordAudit(
      trx,
      inv.org_id,
      actor,
      {
        action: "member.joined",
        targetType: "user",
        targetId: user.id,
        data: { invitationId: inv.id, role: inv.role },
      },
      now,
    );
    return { orgId: inv.org_id, role: inv.role };
  });
}

export async function declineInvitation(
  deps: Deps,
  actor: Actor,
  input: { invitationId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const user = await trx
      .selectFrom("users")
      .selectAll()
      .where("id", "=", actor.userId)
      .executeTakeFirstOrThrow();
    const inv = await lockInvitation(deps, trx, input.invitationId);
    if (!inv || inv.email.toLowerCase() !== user.email.toLowerCase()) throw invitationNotFound();
    requireVerified(user);
    refuseClosed(invitationState(inv, now));
    await trx
      .updateTable("invitations")
      .set({ status: "declined", responded_by: user.id, responded_at: now, updated_at: now })
      .where("id", "=", inv.id)
      .execute();
    await recordAudit(
      trx,
      inv.org_id,
      actor,
      {
        action: "invitation.declined",
        targetType: "invitation",
        targetId: inv.id,
        data: { email: inv.email },
      },
      now,
    );
  });
}

/**
 * Declines an invitation through its emailed link, signed in or not: whoever holds the link may
 * say no (it was sent to them). The invitation stays in the organization's list as declined.
 */
export async function declineInvitationByLink(
  deps: Deps,
  actor: Actor | null,
  input: { token: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const found = await findByToken(trx, input.token);
    const inv = found && (await lockInvitation(deps, trx, found.id));
    if (!inv) throw invitationNotFound();
    refuseClosed(invitationState(inv, now));
    await trx
      .updateTable("invitations")
      .set({ status: "declined", responded_by: actor?.userId ?? null, responded_at: now, updated_at: now })
      .where("id", "=", inv.id)
      .execute();
    await recordAudit(
      trx,
      inv.org_id,
      actor,
      {
        action: "invitation.declined",
        targetType: "invitation",
        targetId: inv.id,
        data: { email: inv.email },
      },
      now,
    );
  });
}

/** Whether `token` opens a pending invitation to `email`: a sign-up that joins through it. */
export async function isOpenInvitationFor(
  trx: Transaction<Database>,
  token: string,
  email: string,
  now: Date,
): Promise<boolean> {
  const inv = await findByToken(trx, token);
  return (
    inv !== undefined &&
    inv.email.toLowerCase() === email.toLowerCase() &&
    invitationState(inv, now) === "pending"
  );
}
