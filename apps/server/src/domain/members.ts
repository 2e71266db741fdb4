import type { Database, MembershipStatus } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { noticeMembers } from "./member-notices.js";
import { assertOwnersRemain, lockActiveOwners } from "./owners.js";
import { handOverResources } from "./resource-handover.js";
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
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const member = await lockMembership(trx, access.orgId, input.userId);
    await assertMayActOn(trx, access, member.role);
    const role = await changeRole(trx, access, owners, member, input.role, now);
    if (role !== member.role) {
      await noticeMembers(
        deps,
        trx,
        access,
        [member.user_id],
        { kind: "role_changed", from: member.role, to: role },
        now,
      );
    }
    return { userId: member.user_id, role };
  });
}

/**
 * Gives a member (a person or a service account) another role, in the caller's transaction, after
 * `owners` (the active owners) and the membership are locked: no one grants more than they hold,
 * only people are owners, the last active owner keeps the role. Every role change is audited and
 * published as `member.role_changed`. Returns the role's key.
 */
export async function changeRole(
  trx: Transaction<Database>,
  access: OrgAccess,
  owners: Set<string>,
  member: { user_id: string; role: string; status: MembershipStatus },
  roleKey: string,
  now: Date,
): Promise<string> {
  const role = await resolveGrantableRole(trx, access, roleKey);
  if (member.role === role.key) return role.key;
  if (role.key === "owner") {
    const user = await trx
      .selectFrom("users")
      .select("kind")
      .where("id", "=", member.user_id)
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
    .where("user_id", "=", member.user_id)
    .execute();
  await recordChange(trx, access, now, "member.role_changed", ["user", member.user_id], {
    from: member.role,
    to: role.key,
  });
  return role.key;
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
    await recordChange(trx, access, now, action, ["user", userId]);
    if (status === "deactivated")
      await noticeMembers(deps, trx, access, [userId], { kind: "deactivated" }, now);
  });
}

/**
 * Removes members from the organization, all or none. Anyone who owns resources needs a
 * `transferTo` member who takes them over in the same transaction.
 */
export async function removeWithinTransaction(
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
    .orderBy("user_id")
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

  const transferred = await handOverResources(
    trx,
    access,
    ids,
    transferTo,
    {
      action,
      transferRequired:
        "Some of these members own resources. Choose a member to take them over, then remove again.",
    },
    now,
  );

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
    await recordChange(trx, access, now, action, ["user", r.user_id], {
      role: r.role,
      ...(transferTo ? { transferTo } : {}),
    });
  }
  if (action === "member.removed") await noticeMembers(deps, trx, access, ids, { kind: "removed" }, now);
  return { removed: ids, transferred };
}

export async function removeMembers(
  deps: Deps,
  access: OrgAccess,
  input: { userIds: string[]; transferTo?: string | undefined },
): Promise<{ removed: string[]; transferred: number }> {
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
