import { type Database, type Invitation, prepared } from "@roster/db";
import { isEmailAddress } from "@roster/reasons";
import { sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import { type CountedKey, chargeKeys, type LimitGroup, refuseOverLimits, windowOf } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { type Change, recordChanges } from "./audit.js";
import { decodeCursor, keysetPage } from "./cursors.js";
import { toEventInvitation } from "./event-rows.js";
import { checkInvitationRedirect } from "./host-links.js";
import { invitationEmails, newInvitations, renewInvitations } from "./invitation-sending.js";
import { lockOrganizationToInvite } from "./locks.js";
import { resolveGrantableRole } from "./roles.js";
import { checkSeats } from "./seats.js";
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

export interface InviteResult {
  email: string;
  status: "invited" | "already_member" | "already_invited" | "invalid";
  invitationId?: string;
}

/** New invitations one organization may send to one address in an hour. */
const INVITATIONS_PER_ADDRESS_PER_HOUR = 3;

const budgetKey = (orgId: string) => `invitation-emails:${orgId}`;
const addressKey = (orgId: string, address: string) => `invitation-address:${orgId}:${address}`;

/**
 * Every invitation emails an address the inviter chooses, so an organization has an hourly budget
 * of invitation emails, and one address gets at most a few new invitations an hour from one
 * organization (inviting, revoking and inviting again cannot flood it). Counted inside the
 * invitation's transaction: a refused call sends and counts nothing.
 */
function invitationLimits(deps: Deps, orgId: string, addresses: readonly string[], now: Date): LimitGroup[] {
  return [
    {
      keys: [budgetKey(orgId)],
      limit: deps.config.rateLimits.invitationsPerOrgPerHour,
      windowSeconds: 60 * 60,
      now,
      message:
        "This organization has sent too many invitations in the last hour. Wait a while and try again.",
    },
    {
      keys: addresses.map((address) => addressKey(orgId, address)),
      limit: INVITATIONS_PER_ADDRESS_PER_HOUR,
      windowSeconds: 60 * 60,
      now,
      message:
        "One of these addresses was invited too many times in the last hour. Wait a while and try again.",
    },
  ];
}

/**
 * Under the seat lock, one statement: which of `addresses` (lower case) already belong to a member
 * of the organization; its pending invitations to them, locked (FOR UPDATE) until the transaction
 * ends; and the hourly counters (`invitationLimits`) charged for the others, the addresses this
 * call invites or invites again (no member's, no live invitation's). The caller refuses with
 * `refuseOverLimits` once the seats are checked.
 */
async function checkAddresses(
  trx: Transaction<Database>,
  orgId: string,
  addresses: readonly string[],
  limits: readonly LimitGroup[],
  now: Date,
): Promise<{
  members: string[];
  pending: Pick<Invitation, "id" | "email" | "status" | "expires_at">[];
  counted: CountedKey[];
}> {
  const charged = chargeKeys(
    sql`(select ${budgetKey(orgId)}::text as k, count(*)::int as c from sending having count(*) > 0
      union all select ${addressKey(orgId, "")}::text || a, 1 from sending) as x`,
    windowOf(limits),
  );
  const query = sql<{
    members: string[];
    pending: { id: string; email: string; status: Invitation["status"]; expires_at: string }[];
    counted: CountedKey[];
  }>`with locked as (
      select id, email, status, expires_at from invitations
      where org_id = ${orgId} and status = 'pending' and lower(email) = any(${addresses}::text[])
      for update
    ), members as (
      select lower(u.email) as email from memberships m join users u on u.id = m.user_id
      where m.org_id = ${orgId} and lower(u.email) = any(${addresses}::text[])
    ), sending as (
      select a from unnest(${addresses}::text[]) as a
      where a not in (select email from members)
        and a not in (select lower(email) from locked where expires_at > ${now}::timestamptz)
    ), counted as (${charged})
    select array(select email from members) as members,
      coalesce((select json_agg(json_build_object('id', id, 'email', email, 'status', status,
        'expires_at', expires_at)) from locked), '[]') as pending,
      coalesce((select json_agg(json_build_object('key', key, 'count', count,
        'window_start', window_start)) from counted), '[]') as counted`;
  const { rows } = await trx.executeQuery(prepared(query.compile(trx)));
  const row = rows[0];
  return {
    members: row?.members ?? [],
    pending: (row?.pending ?? []).map((inv) => ({ ...inv, expires_at: new Date(inv.expires_at) })),
    counted: row?.counted ?? [],
  };
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
      if (!isEmailAddress(email)) {
        outcome.set(key, { email, status: "invalid" });
      } else {
        valid.push(email);
      }
    }
    const lower = valid.map((e) => e.toLowerCase());
    const limits = invitationLimits(deps, access.orgId, lower, now);
    let counted: CountedKey[] = [];
    // Taking the seat lock first also serialises concurrent invitations to this organization.
    const org = await lockOrganizationToInvite(deps, trx, access.orgId, access.actor.userId);
    if (lower.length > 0) {
      const found = await checkAddresses(trx, access.orgId, lower, limits, now);
      const { members, pending } = found;
      counted = found.counted;
      for (const email of members) outcome.set(email, { email: "", status: "already_member" });
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
    await checkSeats(deps, trx, access.orgId, org.seatLimit, fresh.length + expiredToRenew, now);
    refuseOverLimits(limits, counted);

    const renewed = await renewInvitations(
      deps,
      trx,
      [...outcome.values()].flatMap((r) =>
        r.status === "invited" && r.invitationId ? [r.invitationId] : [],
      ),
      now,
    );
    const { sends: invited, insert } = newInvitations(
      deps,
      access,
      { emails: fresh, role: role.key, metadata: input.metadata, redirectUrl: input.redirectUrl },
      now,
    );
    for (const { inv } of invited) {
      outcome.set(inv.email.toLowerCase(), { email: inv.email, status: "invited", invitationId: inv.id });
    }
    const sent = [...renewed, ...invited];
    // A renewed invitation keeps its first inviter, whose name is then read with the others.
    const byCaller = sent.every(
      ({ inv }) => inv.inviter_id === null || inv.inviter_id === access.actor.userId,
    );
    const emails = await invitationEmails(
      deps,
      trx,
      sent,
      now,
      byCaller
        ? { organization: org.name, inviters: new Map([[access.actor.userId, org.inviterName]]) }
        : undefined,
    );
    // The new invitations and every email are written in the audit entries' statement.
    await recordChanges(
      trx,
      access,
      now,
      [
        ...renewed.map(
          ({ inv }): Change => ({
            action: "invitation.resent",
            target: ["invitation", inv.id],
            data: { email: inv.email },
          }),
        ),
        ...invited.map(
          ({ inv }): Change => ({
            action: "member.invited",
            target: ["invitation", inv.id],
            data: { email: inv.email, role: role.key, ...(workspaces.length > 0 ? { workspaces } : {}) },
          }),
        ),
      ],
      { invitations: new Map(sent.map(({ inv }) => [inv.id, toEventInvitation(inv)])) },
      [...insert, ...emails],
    );
    // After that statement: the assignments refer to the invitations.
    await grantInvitationWorkspaces(
      trx,
      access.orgId,
      sent.map(({ inv }) => inv.id),
      workspaces,
      access.actor.userId,
      now,
    );
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
  // The emails; webhooks for subscribed endpoints wake the worker through the database's notification.
  deps.wakeOutbox("email");
  return { results };
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
