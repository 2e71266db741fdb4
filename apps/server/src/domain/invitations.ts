import type { Database, Invitation } from "@roster/db";
import { sql, type Transaction } from "kysely";
import { z } from "zod";
import { generateEmailToken, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import { invitationEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { consumeRateLimits } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { decodeCursor, keysetPage } from "./cursors.js";
import { checkInvitationRedirect, invitationUrl } from "./host-links.js";
import { resolveGrantableRole, roleName } from "./roles.js";
import { reserveSeats } from "./seats.js";
import {
  checkInvitationWorkspaces,
  grantInvitationWorkspaces,
  type InvitationWorkspace,
} from "./workspace-grants.js";

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

export function toInvitationView(
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
    url: await invitationUrl(deps, trx, inv, token),
    expiresAt: inv.expires_at,
  });
  await enqueueEmail(trx, `invitation:${inv.id}:${inv.send_count}`, message, now, deps.sealer);
}

export interface InviteResult {
  email: string;
  status: "invited" | "already_member" | "already_invited" | "invalid";
  invitationId?: string;
}

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

/**
 * Invites up to 100 addresses in one transaction. An address that is already a member or already
 * has a live invitation is reported, not invited again; an expired invitation is renewed and sent
 * again. Either every new invitation fits in the seat limit or none is made. Workspace assignments
 * (`workspaces`) are granted to each new or renewed invitation and become the member's on acceptance.
 */
export async function createInvitations(
  deps: Deps,
  access: OrgAccess,
  input: {
    emails: string[];
    role: string;
    metadata?: Record<string, unknown> | undefined;
    workspaces?: InvitationWorkspace[] | undefined;
    redirectUrl?: string | undefined;
  },
): Promise<{ results: InviteResult[] }> {
  const now = deps.clock();
  if (input.redirectUrl !== undefined) {
    await checkInvitationRedirect(deps.db, access.actor.hostKeyId, input.redirectUrl);
  }
  const results = await runTransaction(deps, async (trx) => {
    const role = await resolveGrantableRole(trx, access, input.role);
    const workspaces = await checkInvitationWorkspaces(trx, access, input.workspaces ?? []);
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
          host_key_id: access.actor.hostKeyId ?? null,
          redirect_url: input.redirectUrl ?? null,
          expires_at: addSeconds(now, ttlSeconds(deps)),
          last_sent_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueueInvitationEmail(deps, trx, inv, token, now);
      await grantInvitationWorkspaces(trx, access.orgId, inv.id, workspaces, access.actor.userId, now);
      await recordChange(trx, access, now, "member.invited", ["invitation", inv.id], {
        email,
        role: role.key,
        ...(workspaces.length > 0 ? { workspaces } : {}),
      });
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

/** Extends a pending invitation's expiry and emails its link again (create for an expired one, resend). */
export async function renewAndSend(
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
  await recordChange(trx, access, now, "invitation.resent", ["invitation", inv.id], { email: inv.email });
  return inv;
}

export const invitationNotFound = () =>
  notFound(
    "INVITATION_NOT_FOUND",
    "This invitation does not exist. It may have been deleted with its organization.",
  );

export async function listInvitations(
  deps: Deps,
  access: OrgAccess,
  input: { status?: InvitationState | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: InvitationView[]; nextCursor: string | null }> {
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
  const { page, nextCursor } = keysetPage(rows, limit);
  return {
    items: page.map((r) => toInvitationView(r, now)),
    nextCursor,
  };
}
