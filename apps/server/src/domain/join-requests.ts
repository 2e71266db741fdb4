import type { Database, JoinRequest, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { UserFacts } from "../auth/sessions.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { joinRequestApprovedEmail, joinRequestEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, orgNotFound } from "./access.js";
import { recordAudit, recordChange } from "./audit.js";
import { decodeCursor, keysetPage } from "./cursors.js";
import { emailDomain } from "./domains.js";
import { addActiveMember } from "./joining.js";
import { lockAccount } from "./locks.js";
import { BUILT_IN_ROLES } from "./permissions.js";
import { resolveGrantableRole, roleName } from "./roles.js";
import { reserveSeats } from "./seats.js";

/**
 * People whose confirmed address is on a verified domain set to "suggestion" see the organization
 * and may ask to join it. Admins (`members:invite`) are told by email and by the
 * `join_request.created` event, and approve with a role or reject; the person may withdraw.
 */

export interface JoinRequestView {
  id: string;
  orgId: string;
  user: { id: string; name: string; email: string };
  domain: string;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  role: string | null;
  decidedAt: string | null;
  createdAt: string;
}

type Row = JoinRequest & { user_name: string; user_email: string };

function toView(r: Row): JoinRequestView {
  return {
    id: r.id,
    orgId: r.org_id,
    user: { id: r.user_id, name: r.user_name, email: r.user_email },
    domain: r.domain,
    status: r.status,
    role: r.role,
    decidedAt: r.decided_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

const requestNotFound = () =>
  notFound("JOIN_REQUEST_NOT_FOUND", "This join request does not exist, or it is not yours to answer.");
const requestClosed = (status: string) =>
  conflict("JOIN_REQUEST_CLOSED", `This join request was already ${status}. Reload to see where it stands.`);

function requireVerified(user: User): void {
  if (!user.email_verified_at) {
    throw forbidden(
      "EMAIL_NOT_VERIFIED",
      "Confirm your email address first: the link is in the email we sent when you signed up.",
    );
  }
}

export interface JoinSuggestion {
  orgId: string;
  name: string;
  slug: string;
  domain: string;
  /** My open request to join, if I made one. */
  request: { id: string; status: "pending"; createdAt: string } | null;
}

/** Organizations that verified my confirmed address's domain for suggestions, that I am not in. */
export async function joinSuggestions(deps: Deps, user: UserFacts): Promise<JoinSuggestion[]> {
  if (!user.email_verified_at || user.kind !== "person") return [];
  const rows = await deps.db
    .selectFrom("org_domains as d")
    .innerJoin("organizations as o", "o.id", "d.org_id")
    .leftJoin("join_requests as j", (j) =>
      j.onRef("j.org_id", "=", "d.org_id").on("j.user_id", "=", user.id).on("j.status", "=", "pending"),
    )
    .select(["o.id", "o.name", "o.slug", "d.domain", "j.id as request_id", "j.created_at as requested_at"])
    .where("d.domain", "=", emailDomain(user.email))
    .where("d.status", "=", "verified")
    .where("d.enrollment", "=", "suggestion")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("memberships as m")
            .select("m.user_id")
            .whereRef("m.org_id", "=", "d.org_id")
            .where("m.user_id", "=", user.id),
        ),
      ),
    )
    .execute();
  return rows.map((r) => ({
    orgId: r.id,
    name: r.name,
    slug: r.slug,
    domain: r.domain,
    request:
      r.request_id && r.requested_at
        ? { id: r.request_id, status: "pending" as const, createdAt: r.requested_at.toISOString() }
        : null,
  }));
}

/** Active members who may add members (`members:invite`), to be told of a request. */
async function approvers(trx: Kysely<Database>, orgId: string): Promise<{ email: string }[]> {
  const builtIn = BUILT_IN_ROLES.filter((r) => r.permissions.includes("members:invite")).map((r) => r.key);
  return trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "m.org_id").onRef("r.key", "=", "m.role"))
    .select("u.email")
    .where("m.org_id", "=", orgId)
    .where("m.status", "=", "active")
    .where("u.kind", "=", "person")
    .where((eb) => eb.or([eb("m.role", "in", builtIn), sql<boolean>`'members:invite' = any(r.permissions)`]))
    .execute();
}

/** Asks to join an organization that suggests itself to my address's domain; asking again answers the open request. */
export async function requestToJoin(
  deps: Deps,
  actor: Actor,
  input: { orgId: string },
): Promise<JoinRequestView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    await lockAccount(deps, trx, actor.userId);
    const user = await trx
      .selectFrom("users")
      .selectAll()
      .where("id", "=", actor.userId)
      .executeTakeFirstOrThrow();
    requireVerified(user);
    // Only an organization that suggests itself to this address is found at all.
    const suggestion = (await joinSuggestions({ ...deps, db: trx }, user)).find(
      (s) => s.orgId === input.orgId,
    );
    if (!suggestion) {
      const member = await trx
        .selectFrom("memberships")
        .select("user_id")
        .where("org_id", "=", input.orgId)
        .where("user_id", "=", user.id)
        .executeTakeFirst();
      if (member) throw conflict("ALREADY_MEMBER", "You are already a member of this organization.");
      throw orgNotFound();
    }
    if (suggestion.request) return (await readRequest(trx, suggestion.request.id))!;
    const { id } = await trx
      .insertInto("join_requests")
      .values({
        org_id: input.orgId,
        user_id: user.id,
        email: user.email,
        domain: suggestion.domain,
        status: "pending",
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const url = `${deps.config.publicUrl}/orgs/${input.orgId}/members`;
    for (const admin of await approvers(trx, input.orgId)) {
      await enqueueEmail(
        trx,
        `join-request:${id}:${admin.email.toLowerCase()}`,
        joinRequestEmail(admin.email, {
          organization: suggestion.name,
          requester: user.name,
          email: user.email,
          url,
        }),
        now,
        deps.sealer,
      );
    }
    await recordAudit(
      trx,
      input.orgId,
      actor,
      {
        action: "join_request.created",
        targetType: "join_request",
        targetId: id,
        data: { userId: user.id, email: user.email, domain: suggestion.domain },
      },
      now,
    );
    return (await readRequest(trx, id))!;
  });
}

async function readRequest(db: Kysely<Database>, id: string): Promise<JoinRequestView | undefined> {
  const row = await db
    .selectFrom("join_requests as j")
    .innerJoin("users as u", "u.id", "j.user_id")
    .selectAll("j")
    .select(["u.name as user_name", "u.email as user_email"])
    .where("j.id", "=", id)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function listJoinRequests(
  deps: Deps,
  access: OrgAccess,
  input: {
    status?: JoinRequest["status"] | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{ items: JoinRequestView[]; nextCursor: string | null }> {
  const limit = input.limit ?? 50;
  let query = deps.db
    .selectFrom("join_requests as j")
    .innerJoin("users as u", "u.id", "j.user_id")
    .selectAll("j")
    .select(["u.name as user_name", "u.email as user_email"])
    .where("j.org_id", "=", access.orgId)
    .orderBy("j.created_at", "desc")
    .orderBy("j.id", "desc")
    .limit(limit + 1);
  if (input.status) query = query.where("j.status", "=", input.status);
  const cursor = decodeCursor(input.cursor);
  if (cursor) {
    query = query.where((eb) =>
      eb(eb.refTuple("j.created_at", "j.id"), "<", eb.tuple(cursor.createdAt, cursor.id)),
    );
  }
  const { page, nextCursor } = keysetPage(await query.execute(), limit);
  return { items: page.map(toView), nextCursor };
}

/** The request's row, locked; only a pending one may change. */
async function lockPending(
  trx: Transaction<Database>,
  where: { id: string; orgId?: string; userId?: string },
): Promise<JoinRequest> {
  let query = trx.selectFrom("join_requests").selectAll().where("id", "=", where.id);
  if (where.orgId) query = query.where("org_id", "=", where.orgId);
  if (where.userId) query = query.where("user_id", "=", where.userId);
  const row = await query.forUpdate().executeTakeFirst();
  if (!row) throw requestNotFound();
  if (row.status !== "pending") throw requestClosed(row.status);
  return row;
}

/**
 * Approves a request with a role (no more than the approver holds): the person becomes an active
 * member. Locks in the documented order: the account, the organization (seats), then the request.
 */
export async function approveJoinRequest(
  deps: Deps,
  access: OrgAccess,
  input: { requestId: string; role: string },
): Promise<JoinRequestView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const found = await trx
      .selectFrom("join_requests")
      .select("user_id")
      .where("id", "=", input.requestId)
      .where("org_id", "=", access.orgId)
      .executeTakeFirst();
    if (!found) throw requestNotFound();
    await lockAccount(deps, trx, found.user_id);
    await reserveSeats(deps, trx, access.orgId, 1, now);
    const request = await lockPending(trx, { id: input.requestId, orgId: access.orgId });
    const role = await resolveGrantableRole(trx, access, input.role);
    await addActiveMember(
      deps,
      trx,
      {
        orgId: access.orgId,
        userId: request.user_id,
        role: role.key,
        metadata: { joinRequestId: request.id },
        invitedBy: access.actor.userId,
      },
      now,
      "This person is already a member of this organization.",
    );
    await trx
      .updateTable("join_requests")
      .set({
        status: "approved",
        role: role.key,
        decided_by: access.actor.userId,
        decided_at: now,
        updated_at: now,
      })
      .where("id", "=", request.id)
      .execute();
    await recordChange(trx, access, now, "join_request.approved", ["join_request", request.id], {
      userId: request.user_id,
      role: role.key,
    });
    const org = await trx
      .selectFrom("organizations")
      .select("name")
      .where("id", "=", access.orgId)
      .executeTakeFirstOrThrow();
    await enqueueEmail(
      trx,
      `join-request-approved:${request.id}`,
      joinRequestApprovedEmail(request.email, {
        organization: org.name,
        role: (await roleName(trx, access.orgId, role.key)).toLowerCase(),
        url: `${deps.config.publicUrl}/orgs/${access.orgId}`,
      }),
      now,
      deps.sealer,
    );
    return (await readRequest(trx, request.id))!;
  });
}

export async function rejectJoinRequest(
  deps: Deps,
  access: OrgAccess,
  input: { requestId: string },
): Promise<JoinRequestView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const request = await lockPending(trx, { id: input.requestId, orgId: access.orgId });
    await trx
      .updateTable("join_requests")
      .set({ status: "rejected", decided_by: access.actor.userId, decided_at: now, updated_at: now })
      .where("id", "=", request.id)
      .execute();
    await recordChange(trx, access, now, "join_request.rejected", ["join_request", request.id]);
    return (await readRequest(trx, request.id))!;
  });
}

/** The person takes back their own pending request. */
export async function withdrawJoinRequest(
  deps: Deps,
  actor: Actor,
  input: { requestId: string },
): Promise<JoinRequestView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const request = await lockPending(trx, { id: input.requestId, userId: actor.userId });
    await trx
      .updateTable("join_requests")
      .set({ status: "withdrawn", decided_by: actor.userId, decided_at: now, updated_at: now })
      .where("id", "=", request.id)
      .execute();
    await recordAudit(
      trx,
      request.org_id,
      actor,
      { action: "join_request.withdrawn", targetType: "join_request", targetId: request.id, data: {} },
      now,
    );
    return (await readRequest(trx, request.id))!;
  });
}
