import type { Database, MembershipStatus } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { recordAudit } from "./audit.js";
import { assertOwnersRemain, lockActiveOwners } from "./owners.js";
import { resourceSummary } from "./resources.js";
import { assertMayActOn, resolveGrantableRole } from "./roles.js";

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
