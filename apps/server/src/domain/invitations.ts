import type { Database, Invitation, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import { z } from "zod";
import { generateEmailToken, hashesEqual, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { invitationEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { consumeRateLimit, consumeRateLimits } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { recordAudit } from "./audit.js";
import { decodeCursor, encodeCursor } from "./cursors.js";
import { lockAccount, lockOrganization } from "./locks.js";
import { assertMayJoinAnotherOrganization } from "./organizations.js";
import { builtInRole } from "./permissions.js";
import { resolveGrantableRole, roleName } from "./roles.js";
import { reserveSeats } from "./seats.js";
import {
  checkInvitationWorkspaces,
  claimInvitationGrants,
  grantInvitationWorkspaces,
  type InvitationWorkspace,
} from "./workspaces.js";

type Executor = Kysely<Database> | Transaction<Database>;

export type InvitationState = "pending" | "expired" | "accepted" | "declined" | "revoked";

/** `expired` is not stored: a pending invitation past its expiry is shown as expired. */
export function invitationState(inv: Pick<Invitation, "status" | "expires_at">, now: Date): InvitationState {
  return inv.status === "pending" && inv.expires_at.getTime() <= now.getTime() ? "expired" : inv.status;
}

export interface InvitationView {
  id: string;
  orgId: string;
  email: string;
  role: string;
  status: InvitationState;
  inviter: { id: string; name: string; email: string } | null;
  metadata: Record<string, unknown>;
  sendCount: number;
  lastSentAt: string;
  expiresAt: string;
  createdAt: string;
}

const emailCheck = z.email();

function toView(
  inv: Invitation & { inviter_name?: string | null; inviter_email?: string | null },
  now: Date,
): InvitationView {
  return {
    id: inv.id,
    orgId: inv.org_id,
    email: inv.email,
    role: inv.role,
    status: invitationState(inv, now),
    inviter:
      inv.inviter_id && inv.inviter_name != null
        ? { id: inv.inviter_id, name: inv.inviter_name, email: inv.inviter_email ?? "" }
        : null,
    metadata: inv.metadata,
    sendCount: inv.send_count,
    lastSentAt: inv.last_sent_at.toISOString(),
    expiresAt: inv.expires_at.toISOString(),
    createdAt: inv.created_at.toISOString(),
  };
}

const ttlSeconds = (deps: Deps) => deps.config.invitationTtlDays * 24 * 60 * 60;
const inviteUrl = (deps: Deps, token: string) => `${deps.config.publicUrl}/invite/${token}`;

async function enqueueInvitationEmail(
  deps: Deps,
  trx: Transaction<Database>,
  inv: Invitation,
  token: string,
  now: Date,
): Promise<void> {
  const details = await trx
    .selectFrom("organizations as o")
    .leftJoin("users as u", (j) => j.on("u.id", "=", inv.inviter_id))
    .select(["o.name as org_name", "u.name as inviter_name"])
    .where("o.id", "=", inv.org_id)
    .executeTakeFirstOrThrow();
  const message = invitationEmail(inv.email, {
    organization: details.org_name,
    inviter: details.inviter_name ?? "A member",
    role: (await roleName(trx, inv.org_id, inv.role)).toLowerCase(),
    url: inviteUrl(deps, token),
    expiresAt: inv.expires_at,
  });
  await enqueueEmail(trx, `invitation:${inv.id}:${inv.send_count}`, message, now, deps.sealer);
}

export interface InviteResult {
  email: string;
  status: "invited" | "already_member" | "already_invited" | "invalid";
  invitationId?: string;
}

/**
 * Invites up to 100 addresses in one transaction. An address that is already a member or already
 * has a live invitation is reported, not invited again; an expired invitation is renewed and sent
 * again. Either every new invitation fits in the seat limit or none is made. Workspace assignments
 * (`workspaces`) are granted to each new or renewed invitation and become the member's on acceptance.
 */
/** New invitations one organization may send to one address in an hour. */
const INVITATIONS_PER_ADDRESS_PER_HOUR = 3;

/**
 * Every invitation emails an address the inviter chooses, so an organization has an hourly budget
 * of invitation emails, and one address gets at most a few new invitations an hour from one
 * organization (inviting, revoking and inviting again cannot flood it). Counted inside the
 * invitation's transaction: a refused call sends and counts nothing.
 */
async function limitInvitationEmails(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
  addresses: string[],
  now: Date,
): Promise<void> {
  if (addresses.length === 0) return;
  await consumeRateLimits(trx, [`invitation-emails:${orgId}`], {
    limit: deps.config.rateLimits.invitationsPerOrgPerHour,
    windowSeconds: 60 * 60,
    now,
    cost: addresses.length,
    message: "This organization has sent too many invitations in the last hour. Wait a while and try again.",
  });
  await consumeRateLimits(
    trx,
    addresses.map((address) => `invitation-address:${orgId}:${address}`),
    {
      limit: INVITATIONS_PER_ADDRESS_PER_HOUR,
      windowSeconds: 60 * 60,
      now,
      message:
        "One of these addresses was invited too many times in the last hour. Wait a while and try again.",
    },
  );
}

export async function createInvitations(
  deps: Deps,
  access: OrgAccess,
  input: {
    emails: string[];
    role: string;
    metadata?: Record<string, unknown> | undefined;
    workspaces?: InvitationWorkspace[] | undefined;
  },
): Promise<{ results: InviteResult[] }> {
  requirePermission(access, "members:invite");
  const now = deps.clock();
  const results = await runTransaction(deps, async (trx) => {
    const role = await resolveGrantableRole(trx, access, input.role);
    const workspaces = await checkInvitationWorkspaces(deps, trx, access, input.workspaces ?? []);
    const seen = new Set<string>();
    const valid: string[] = [];
    const outcome = new Map<string, InviteResult>();
    for (const raw of input.emails) {
      const email = raw.trim();
      const key = email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (email.length > 254 || !emailCheck.safeParse(email).success) {
        outcome.set(key, { email, status: "invalid" });
      } else {
        valid.push(email);
      }
    }
    const lower = valid.map((e) => e.toLowerCase());
    // Taking the seat lock first also serialises concurrent invitations to this organization.
    await reserveSeats(deps, trx, access.orgId, 0, now);
    if (lower.length > 0) {
      const members = await trx
        .selectFrom("memberships as m")
        .innerJoin("users as u", "u.id", "m.user_id")
        .select(sql<string>`lower(u.email)`.as("email"))
        .where("m.org_id", "=", access.orgId)
        .where(sql<string>`lower(u.email)`, "in", lower)
        .execute();
      for (const m of members) outcome.set(m.email, { email: "", status: "already_member" });
      const pending = await trx
        .selectFrom("invitations")
        .selectAll()
        .where("org_id", "=", access.orgId)
        .where("status", "=", "pending")
        .where(sql<string>`lower(email)`, "in", lower)
        .forUpdate()
        .execute();
      for (const inv of pending) {
        const key = inv.email.toLowerCase();
        if (outcome.has(key)) continue;
        if (invitationState(inv, now) === "pending") {
          outcome.set(key, { email: "", status: "already_invited", invitationId: inv.id });
        } else {
          outcome.set(key, { email: "", status: "invited", invitationId: inv.id });
        }
      }
    }
    const expiredToRenew = [...outcome.values()].filter(
      (r) => r.status === "invited" && r.invitationId,
    ).length;
    const fresh = valid.filter((e) => !outcome.has(e.toLowerCase()));
    await reserveSeats(deps, trx, access.orgId, fresh.length + expiredToRenew, now);
    await limitInvitationEmails(
      deps,
      trx,
      access.orgId,
      [
        ...fresh.map((e) => e.toLowerCase()),
        ...[...outcome].filter(([, r]) => r.status === "invited").map(([key]) => key),
      ],
      now,
    );

    for (const [key, result] of outcome) {
      if (result.status !== "invited" || !result.invitationId) continue;
      await renewAndSend(deps, trx, access, result.invitationId, now);
      await grantInvitationWorkspaces(
        trx,
        access.orgId,
        result.invitationId,
        workspaces,
        access.actor.userId,
        now,
      );
      outcome.set(key, result);
    }
    for (const email of fresh) {
      const token = generateEmailToken();
      const inv = await trx
        .insertInto("invitations")
        .values({
          org_id: access.orgId,
          email,
          role: role.key,
          status: "pending",
          token_hash: hashSecret(token),
          token_sealed: deps.sealer.seal(token),
          metadata: JSON.stringify(input.metadata ?? {}),
          inviter_id: access.actor.userId,
          expires_at: addSeconds(now, ttlSeconds(deps)),
          last_sent_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueueInvitationEmail(deps, trx, inv, token, now);
      await grantInvitationWorkspaces(trx, access.orgId, inv.id, workspaces, access.actor.userId, now);
      await recordAudit(
        trx,
        access.orgId,
        access.actor,
        {
          action: "member.invited",
          targetType: "invitation",
          targetId: inv.id,
          data: { email, role: role.key, ...(workspaces.length > 0 ? { workspaces } : {}) },
        },
        now,
      );
      outcome.set(email.toLowerCase(), { email, status: "invited", invitationId: inv.id });
    }
    // Report in the order the addresses were given, each once.
    const ordered: InviteResult[] = [];
    const reported = new Set<string>();
    for (const raw of input.emails) {
      const email = raw.trim();
      const key = email.toLowerCase();
      if (reported.has(key)) continue;
      reported.add(key);
      const r = outcome.get(key);
      if (r) ordered.push({ ...r, email });
    }
    return ordered;
  });
  deps.wakeOutbox();
  return { results };
}

async function renewAndSend(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  invitationId: string,
  now: Date,
): Promise<Invitation> {
  const inv = await trx
    .updateTable("invitations")
    .set((eb) => ({
      expires_at: addSeconds(now, ttlSeconds(deps)),
      send_count: eb("send_count", "+", 1),
      last_sent_at: now,
      updated_at: now,
    }))
    .where("id", "=", invitationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueueInvitationEmail(deps, trx, inv, deps.sealer.open(inv.token_sealed), now);
  await recordAudit(
    trx,
    access.orgId,
    access.actor,
    { action: "invitation.resent", targetType: "invitation", targetId: inv.id, data: { email: inv.email } },
    now,
  );
  return inv;
}

const invitationNotFound = () =>
  notFound(
    "INVITATION_NOT_FOUND",
    "This invitation does not exist. It may have been deleted with its organization.",
  );

/** Locks one invitation's row: accept, decline, revoke and resend of it run one after another. */
async function lockInvitation(
  deps: Deps,
  trx: Transaction<Database>,
  invitationId: string,
  orgId?: string,
): Promise<Invitation | undefined> {
  let query = trx.selectFrom("invitations").selectAll().where("id", "=", invitationId);
  if (orgId !== undefined) query = query.where("org_id", "=", orgId);
  const inv = await query.forUpdate().executeTakeFirst();
  await deps.afterLock?.("invitation", invitationId);
  return inv;
}

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

export async function listInvitations(
  deps: Deps,
  access: OrgAccess,
  input: { status?: InvitationState | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: InvitationView[]; nextCursor: string | null }> {
  requirePermission(access, "members:read");
  const now = deps.clock();
  const limit = input.limit ?? 50;
  let query = deps.db
    .selectFrom("invitations as i")
    .leftJoin("users as u", "u.id", "i.inviter_id")
    .selectAll("i")
    .select(["u.name as inviter_name", "u.email as inviter_email"])
    .where("i.org_id", "=", access.orgId)
    .orderBy("i.created_at", "desc")
    .orderBy("i.id", "desc")
    .limit(limit + 1);
  if (input.status === "pending")
    query = query.where("i.status", "=", "pending").where("i.expires_at", ">", now);
  else if (input.status === "expired")
    query = query.where("i.status", "=", "pending").where("i.expires_at", "<=", now);
  else if (input.status) query = query.where("i.status", "=", input.status);
  const cursor = decodeCursor(input.cursor);
  if (cursor) {
    query = query.where((eb) =>
      eb(eb.refTuple("i.created_at", "i.id"), "<", eb.tuple(cursor.createdAt, cursor.id)),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toView(r, now)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Sends the same link again and extends the expiry; limited to 5 sends an hour per invitation. */
export async function resendInvitation(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<InvitationView> {
  requirePermission(access, "members:invite");
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
  return toView(inv, now);
}

export async function revokeInvitation(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<InvitationView> {
  requirePermission(access, "members:invite");
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
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "invitation.revoked",
        targetType: "invitation",
        targetId: inv.id,
        data: { email: inv.email },
      },
      now,
    );
    return revoked;
  });
  return toView(inv, now);
}

export async function invitationLink(
  deps: Deps,
  access: OrgAccess,
  input: { invitationId: string },
): Promise<{ url: string; expiresAt: string }> {
  requirePermission(access, "members:invite");
  const now = deps.clock();
  const inv = await deps.db
    .selectFrom("invitations")
    .selectAll()
    .where("id", "=", input.invitationId)
    .where("org_id", "=", access.orgId)
    .executeTakeFirst();
  if (!inv) throw invitationNotFound();
  if (inv.status !== "pending") notPending(invitationState(inv, now));
  return {
    url: inviteUrl(deps, deps.sealer.open(inv.token_sealed)),
    expiresAt: inv.expires_at.toISOString(),
  };
}

// ---- the invited person's side ----

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

function requireVerified(user: User): void {
  if (!user.email_verified_at) {
    throw forbidden(
      "EMAIL_NOT_VERIFIED",
      `Confirm your email address ${user.email} first: open the link we sent you, or ask for a new one. Then your invitations appear here.`,
    );
  }
}

/** Live invitations to my address — only once I have proven I own it. */
export async function myInvitations(deps: Deps, user: User): Promise<MyInvitation[]> {
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

async function findByToken(db: Executor, token: string): Promise<Invitation | undefined> {
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

    const existing = await trx
      .selectFrom("memberships")
      .select("status")
      .where("org_id", "=", inv.org_id)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    if (existing) throw conflict("ALREADY_MEMBER", "You are already a member of this organization.");
    await assertMayJoinAnotherOrganization(deps, trx, user.id);

    await trx
      .insertInto("memberships")
      .values({
        org_id: inv.org_id,
        user_id: user.id,
        role: inv.role,
        status: "active",
        metadata: JSON.stringify(inv.metadata),
        invited_by: inv.inviter_id,
        created_at: now,
        updated_at: now,
      })
      .execute();
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
