import type { Database, MembershipStatus } from "@roster/db";
import { type CompiledQuery, type Kysely, sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { recordAudit } from "./audit.js";
import { decodeCursor, encodeCursor } from "./cursors.js";
import { assertOwnersRemain, lockActiveOwners } from "./owners.js";
import { resourceSummary } from "./resources.js";
import { assertMayActOn, resolveGrantableRole } from "./roles.js";

export type MemberListStatus = "active" | "deactivated" | "invited" | "expired";

export interface MemberListItem {
  kind: "member" | "invitation";
  /** The user id for a member, the invitation id for an invitation. */
  id: string;
  userId: string | null;
  invitationId: string | null;
  email: string;
  name: string | null;
  role: string;
  status: MemberListStatus;
  serviceAccount: boolean;
  /** When the person joined, or when the invitation was made. */
  createdAt: string;
  expiresAt: string | null;
  metadata: Record<string, unknown>;
}

export interface ListMembersInput {
  cursor?: string | undefined;
  limit?: number | undefined;
  search?: string | undefined;
  status?: MemberListStatus | undefined;
  role?: string | undefined;
  includeInvitations?: boolean | undefined;
}

const likePrefix = (search: string) => `${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One row of the member list as the database returns it. */
export interface MemberListRow {
  kind: "member" | "invitation";
  id: string;
  email: string;
  name: string | null;
  role: string;
  status: string;
  service_account: boolean;
  created_at: Date;
  expires_at: Date | null;
  metadata: Record<string, unknown>;
}

/**
 * The one query `listMembers` runs, compiled: members (and optionally open invitations) newest
 * first, one keyset page of `limit + 1` rows. Each side is read through its (org_id, created_at
 * desc, id desc) index with its own LIMIT, and the two are merged, so a deep page costs the same as
 * the first one. Search is a case-insensitive prefix of name or email (indexes on lower(name) and
 * lower(email) with text_pattern_ops).
 */
export function buildMemberListQuery(
  db: Kysely<Database>,
  orgId: string,
  input: ListMembersInput,
  now: Date,
): CompiledQuery<MemberListRow> {
  const limit = input.limit ?? 50;
  const cursor = decodeCursor(input.cursor);
  const search = input.search?.trim() ? likePrefix(input.search.trim()) : undefined;
  const wantMembers =
    input.status === undefined || input.status === "active" || input.status === "deactivated";
  const wantInvitations =
    input.status === "invited" ||
    input.status === "expired" ||
    (input.status === undefined && input.includeInvitations === true);

  const members = db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select([
      sql<"member">`'member'`.as("kind"),
      "m.user_id as id",
      "u.email",
      sql<string | null>`u.name`.as("name"),
      "m.role",
      sql<string>`m.status`.as("status"),
      sql<boolean>`u.kind = 'service_account'`.as("service_account"),
      "m.created_at",
      sql<Date | null>`null::timestamptz`.as("expires_at"),
      "m.metadata",
    ])
    .where("m.org_id", "=", orgId)
    .$if(input.status === "active" || input.status === "deactivated", (q) =>
      q.where("m.status", "=", input.status as MembershipStatus),
    )
    .$if(input.role !== undefined, (q) => q.where("m.role", "=", input.role!))
    .$if(search !== undefined, (q) =>
      q.where((eb) =>
        eb.or([eb(sql`lower(u.name)`, "like", search!), eb(sql`lower(u.email)`, "like", search!)]),
      ),
    )
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb(eb.refTuple("m.created_at", "m.user_id"), "<", eb.tuple(cursor!.createdAt, cursor!.id)),
      ),
    )
    .orderBy("m.created_at", "desc")
    .orderBy("m.user_id", "desc")
    .limit(limit + 1);

  const invitations = db
    .selectFrom("invitations as i")
    .select([
      sql<"invitation">`'invitation'`.as("kind"),
      "i.id",
      "i.email",
      sql<string | null>`null::text`.as("name"),
      "i.role",
      sql<string>`case when i.expires_at <= ${now} then 'expired' else 'invited' end`.as("status"),
      sql<boolean>`false`.as("service_account"),
      "i.created_at",
      sql<Date | null>`i.expires_at`.as("expires_at"),
      "i.metadata",
    ])
    .where("i.org_id", "=", orgId)
    .where("i.status", "=", "pending")
    .$if(input.status === "invited", (q) => q.where("i.expires_at", ">", now))
    .$if(input.status === "expired", (q) => q.where("i.expires_at", "<=", now))
    .$if(input.role !== undefined, (q) => q.where("i.role", "=", input.role!))
    .$if(search !== undefined, (q) => q.where(sql`lower(i.email)`, "like", search!))
    .$if(cursor !== null, (q) =>
      q.where((eb) => eb(eb.refTuple("i.created_at", "i.id"), "<", eb.tuple(cursor!.createdAt, cursor!.id))),
    )
    .orderBy("i.created_at", "desc")
    .orderBy("i.id", "desc")
    .limit(limit + 1);

  if (wantMembers && wantInvitations) {
    return db
      .selectFrom(sql<MemberListRow>`((${members}) union all (${invitations}))`.as("x"))
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .compile();
  }
  return (wantMembers ? members.compile() : invitations.compile()) as CompiledQuery<MemberListRow>;
}

export async function listMembers(
  deps: Deps,
  access: OrgAccess,
  input: ListMembersInput,
): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  requirePermission(access, "members:read");
  const limit = input.limit ?? 50;
  const { rows } = await deps.db.executeQuery(
    buildMemberListQuery(deps.db, access.orgId, input, deps.clock()),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      kind: r.kind,
      id: r.id,
      userId: r.kind === "member" ? r.id : null,
      invitationId: r.kind === "invitation" ? r.id : null,
      email: r.email,
      name: r.name,
      role: r.role,
      status: r.status as MemberListStatus,
      serviceAccount: r.service_account,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
      metadata: r.metadata,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}

const memberNotFound = () => notFound("MEMBER_NOT_FOUND", "This person is not a member of the organization.");

async function lockMembership(trx: Transaction<Database>, orgId: string, userId: string) {
  const row = await trx
    .selectFrom("memberships")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw memberNotFound();
  return row;
}

export async function updateMemberRole(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string; role: string },
): Promise<{ userId: string; role: string }> {
  requirePermission(access, "members:update_role");
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const member = await lockMembership(trx, access.orgId, input.userId);
    await assertMayActOn(trx, access, member.role);
    const role = await resolveGrantableRole(trx, access, input.role);
    if (member.role === role.key) return { userId: member.user_id, role: role.key };
    if (role.key === "owner") {
      const user = await trx
        .selectFrom("users")
        .select("kind")
        .where("id", "=", input.userId)
        .executeTakeFirstOrThrow();
      if (user.kind !== "person") {
        throw badRequest("INVALID_NEW_OWNER", "A service account cannot be an owner. Give it another role.");
      }
    }
    if (member.role === "owner" && member.status === "active") assertOwnersRemain(owners, [member.user_id]);
    await trx
      .updateTable("memberships")
      .set({ role: role.key, updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", input.userId)
      .execute();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "member.role_changed",
        targetType: "user",
        targetId: input.userId,
        data: { from: member.role, to: role.key },
      },
      now,
    );
    return { userId: member.user_id, role: role.key };
  });
}

/** A deactivated member keeps their seat and role but every organization procedure refuses them. */
export async function deactivateMember(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string },
): Promise<void> {
  if (input.userId === access.actor.userId) {
    throw badRequest(
      "CANNOT_DEACTIVATE_SELF",
      "You cannot deactivate yourself. Leave the organization instead.",
    );
  }
  await setMemberStatus(deps, access, input.userId, "deactivated");
}

export function reactivateMember(deps: Deps, access: OrgAccess, input: { userId: string }): Promise<void> {
  return setMemberStatus(deps, access, input.userId, "active");
}

/** Deactivation keeps the seat and the role; taking the last active owner away is refused. */
async function setMemberStatus(
  deps: Deps,
  access: OrgAccess,
  userId: string,
  status: MembershipStatus,
): Promise<void> {
  requirePermission(access, "members:deactivate");
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const member = await lockMembership(trx, access.orgId, userId);
    await assertMayActOn(trx, access, member.role);
    if (member.status === status) return;
    if (status === "deactivated" && member.role === "owner") assertOwnersRemain(owners, [member.user_id]);
    await trx
      .updateTable("memberships")
      .set({ status, deactivated_at: status === "deactivated" ? now : null, updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", userId)
      .execute();
    const action = status === "deactivated" ? "member.deactivated" : "member.reactivated";
    await recordAudit(trx, access.orgId, access.actor, { action, targetType: "user", targetId: userId }, now);
  });
}

/**
 * Removes members from the organization, all or none. Anyone who owns resources needs a
 * `transferTo` member who takes them over in the same transaction.
 */
async function removeWithinTransaction(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  userIds: string[],
  transferTo: string | undefined,
  action: "member.removed" | "member.left",
  now: Date,
): Promise<{ removed: string[]; transferred: number }> {
  const ids = [...new Set(userIds)];
  const owners = await lockActiveOwners(deps, trx, access.orgId);
  const rows = await trx
    .selectFrom("memberships")
    .select(["user_id", "role", "status"])
    .where("org_id", "=", access.orgId)
    .where("user_id", "in", ids)
    .forUpdate()
    .execute();
  if (rows.length !== ids.length) {
    throw notFound("MEMBER_NOT_FOUND", "Some of these people are not members of the organization.");
  }
  if (action === "member.removed") for (const r of rows) await assertMayActOn(trx, access, r.role);
  assertOwnersRemain(
    owners,
    rows.filter((r) => r.role === "owner").map((r) => r.user_id),
  );

  const owned = await trx
    .selectFrom("resources")
    .select(["owner_id", trx.fn.countAll<string>().as("n")])
    .where("org_id", "=", access.orgId)
    .where("owner_id", "in", ids)
    .groupBy("owner_id")
    .execute();
  let transferred = 0;
  if (owned.length > 0) {
    if (!transferTo) {
      throw conflict(
        "TRANSFER_REQUIRED",
        "Some of these members own resources. Choose a member to take them over, then remove again.",
        { owners: owned.map((o) => ({ userId: o.owner_id, resources: Number(o.n) })) },
      );
    }
    if (ids.includes(transferTo)) {
      throw badRequest("INVALID_TRANSFER_TARGET", "Resources cannot go to a member who is being removed.");
    }
    const heir = await trx
      .selectFrom("memberships")
      .select("status")
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", transferTo)
      .forShare()
      .executeTakeFirst();
    if (heir?.status !== "active") {
      throw badRequest(
        "INVALID_TRANSFER_TARGET",
        "Resources can only go to an active member of this organization.",
      );
    }
    const previous = await trx
      .selectFrom("resources")
      .select(["id", "owner_id"])
      .where("org_id", "=", access.orgId)
      .where("owner_id", "in", ids)
      .forUpdate()
      .execute();
    const moved = await trx
      .updateTable("resources")
      .set({ owner_id: transferTo, updated_at: now })
      .where(
        "id",
        "in",
        previous.map((r) => r.id),
      )
      .returningAll()
      .execute();
    const from = new Map(previous.map((r) => [r.id, r.owner_id]));
    // Products that track ownership hear of every hand-over, as with resources.transfer.
    for (const row of moved) {
      await recordAudit(
        trx,
        access.orgId,
        access.actor,
        {
          action: "resource.transferred",
          targetType: "resource",
          targetId: row.id,
          data: {
            from: from.get(row.id) ?? null,
            to: transferTo,
            resource: resourceSummary(row),
            reason: action,
          },
        },
        now,
      );
    }
    transferred = moved.length;
  }

  await trx
    .deleteFrom("memberships")
    .where("org_id", "=", access.orgId)
    .where("user_id", "in", ids)
    .execute();
  // Whoever had this organization open no longer does.
  await trx
    .updateTable("users")
    .set({ last_active_org_id: null })
    .where("id", "in", ids)
    .where("last_active_org_id", "=", access.orgId)
    .execute();
  for (const r of rows) {
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action,
        targetType: "user",
        targetId: r.user_id,
        data: { role: r.role, ...(transferTo ? { transferTo } : {}) },
      },
      now,
    );
  }
  return { removed: ids, transferred };
}

export async function removeMembers(
  deps: Deps,
  access: OrgAccess,
  input: { userIds: string[]; transferTo?: string | undefined },
): Promise<{ removed: string[]; transferred: number }> {
  requirePermission(access, "members:remove");
  const now = deps.clock();
  return runTransaction(deps, (trx) =>
    removeWithinTransaction(deps, trx, access, input.userIds, input.transferTo, "member.removed", now),
  );
}

export async function leaveOrganization(
  deps: Deps,
  access: OrgAccess,
  input: { transferTo?: string | undefined },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, (trx) =>
    removeWithinTransaction(deps, trx, access, [access.actor.userId], input.transferTo, "member.left", now),
  );
}
