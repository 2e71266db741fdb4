import type { Database, Group } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict, forbidden, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { findInOrg } from "./org-rows.js";
import { builtInRole, isPermission } from "./permissions.js";
import { conflictOnUnique } from "./unique-conflicts.js";
import { workspaceAccess } from "./workspace-permissions.js";

/**
 * Groups are named sets of members of one organization. A group can be granted a role on a
 * workspace; each of its members then holds that role there. Managing groups needs
 * `workspaces:manage` (the catalogue's "workspaces and groups" permission).
 */
export interface GroupView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

function toView(g: Group, memberCount: number): GroupView {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    memberCount,
    createdAt: g.created_at.toISOString(),
    updatedAt: g.updated_at.toISOString(),
  };
}

export const groupNotFound = () =>
  notFound("GROUP_NOT_FOUND", "This group does not exist in this organization.");
const nameTaken = () =>
  conflict("GROUP_NAME_TAKEN", "Another group in this organization already has this name. Choose another.");

async function lockGroup(trx: Transaction<Database>, orgId: string, groupId: string): Promise<Group> {
  return findInOrg(trx, "groups", orgId, groupId, groupNotFound, { forUpdate: true });
}

export async function listGroups(deps: Deps, access: OrgAccess): Promise<GroupView[]> {
  const rows = await deps.db
    .selectFrom("groups as g")
    .selectAll("g")
    .select((eb) =>
      eb
        .selectFrom("group_members as gm")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("gm.group_id", "=", "g.id")
        .as("member_count"),
    )
    .where("g.org_id", "=", access.orgId)
    .orderBy(sql`lower(g.name)`)
    .orderBy("g.id")
    .execute();
  return rows.map((r) => toView(r, Number(r.member_count ?? 0)));
}

export interface GroupMemberView {
  userId: string;
  name: string;
  email: string;
  serviceAccount: boolean;
  addedAt: string;
}

export async function getGroup(
  deps: Deps,
  access: OrgAccess,
  input: { groupId: string },
): Promise<GroupView & { members: GroupMemberView[] }> {
  const group = await findInOrg(deps.db, "groups", access.orgId, input.groupId, groupNotFound);
  const members = await deps.db
    .selectFrom("group_members as gm")
    .innerJoin("users as u", "u.id", "gm.user_id")
    .select(["gm.user_id", "u.name", "u.email", "u.kind", "gm.created_at"])
    .where("gm.org_id", "=", access.orgId)
    .where("gm.group_id", "=", group.id)
    .orderBy(sql`lower(u.name)`)
    .orderBy("gm.user_id")
    .execute();
  return {
    ...toView(group, members.length),
    members: members.map((m) => ({
      userId: m.user_id,
      name: m.name,
      email: m.email,
      serviceAccount: m.kind === "service_account",
      addedAt: m.created_at.toISOString(),
    })),
  };
}

export async function createGroup(
  deps: Deps,
  access: OrgAccess,
  input: { name: string; description?: string | undefined },
): Promise<GroupView> {
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    const row = await trx
      .insertInto("groups")
      .values({
        org_id: access.orgId,
        name: input.name,
        description: input.description ?? "",
        created_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "group.created", ["group", row.id], { name: row.name });
    return row;
  }).catch(conflictOnUnique({ groups_name_key: nameTaken }));
  return toView(row, 0);
}

export async function updateGroup(
  deps: Deps,
  access: OrgAccess,
  input: { groupId: string; name?: string | undefined; description?: string | undefined },
): Promise<GroupView> {
  const now = deps.clock();
  return await runTransaction(deps, async (trx) => {
    const current = await lockGroup(trx, access.orgId, input.groupId);
    const row = await trx
      .updateTable("groups")
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        updated_at: now,
      })
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const count = await trx
      .selectFrom("group_members")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("group_id", "=", row.id)
      .executeTakeFirstOrThrow();
    await recordChange(
      trx,
      access,
      now,
      "group.updated",
      ["group", row.id],
      input.name !== undefined ? { from: current.name, to: row.name } : {},
    );
    return toView(row, Number(count.n));
  }).catch(conflictOnUnique({ groups_name_key: nameTaken }));
}

/** Deletes the group; its memberships and its workspace grants go with it. */
export async function deleteGroup(deps: Deps, access: OrgAccess, input: { groupId: string }): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const group = await lockGroup(trx, access.orgId, input.groupId);
    await trx.deleteFrom("groups").where("id", "=", group.id).execute();
    await recordChange(trx, access, now, "group.deleted", ["group", group.id], { name: group.name });
  });
}

/**
 * Adding someone to a group gives them every role the group holds on workspaces, so it is a grant:
 * the caller must hold, in each of those workspaces, every permission of the role held there
 * (as when granting the role directly).
 */
async function assertMayGrantGroupRoles(
  trx: Transaction<Database>,
  access: OrgAccess,
  groupId: string,
): Promise<void> {
  const grants = await trx
    .selectFrom("workspace_grants as g")
    .innerJoin("workspaces as w", "w.id", "g.workspace_id")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "g.org_id").onRef("r.key", "=", "g.role"))
    .select(["g.workspace_id", "g.role", "w.name as workspace_name", "r.name as role_name", "r.permissions"])
    .where("g.org_id", "=", access.orgId)
    .where("g.group_id", "=", groupId)
    .orderBy("g.workspace_id")
    .execute();
  for (const g of grants) {
    const builtIn = builtInRole(g.role);
    const carried = builtIn?.permissions ?? (g.permissions ?? []).filter(isPermission);
    // The organization role applies everywhere; only a shortfall there needs the workspace's grants.
    if (carried.every((p) => access.permissions.has(p))) continue;
    const scoped = await workspaceAccess(trx, access, g.workspace_id);
    const missing = carried.filter((p) => !scoped.permissions.has(p));
    if (missing.length > 0) {
      throw forbidden(
        "ROLE_NOT_ALLOWED",
        `You cannot add members to this group: it holds the ${builtIn?.name ?? g.role_name ?? g.role} role on the workspace "${g.workspace_name}", which has permissions you do not have there (${missing.slice(0, 3).join(", ")}).`,
        { missing, workspaceId: g.workspace_id, role: g.role },
      );
    }
  }
}

/** Adds members to a group; members already in it are left as they are. */
export async function addGroupMembers(
  deps: Deps,
  access: OrgAccess,
  input: { groupId: string; userIds: string[] },
): Promise<{ added: string[] }> {
  const now = deps.clock();
  const ids = [...new Set(input.userIds)];
  return runTransaction(deps, async (trx) => {
    const group = await lockGroup(trx, access.orgId, input.groupId);
    await assertMayGrantGroupRoles(trx, access, group.id);
    const members = await trx
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", access.orgId)
      .where("user_id", "in", ids)
      .forShare()
      .execute();
    if (members.length !== ids.length) {
      throw notFound("MEMBER_NOT_FOUND", "Some of these people are not members of the organization.");
    }
    const added = await trx
      .insertInto("group_members")
      .values(
        ids.map((userId) => ({
          org_id: access.orgId,
          group_id: group.id,
          user_id: userId,
          added_by: access.actor.userId,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
      .returning("user_id")
      .execute();
    for (const a of added) {
      await recordChange(trx, access, now, "group.member_added", ["group", group.id], { userId: a.user_id });
    }
    return { added: added.map((a) => a.user_id) };
  });
}

export async function removeGroupMember(
  deps: Deps,
  access: OrgAccess,
  input: { groupId: string; userId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const group = await lockGroup(trx, access.orgId, input.groupId);
    const removed = await trx
      .deleteFrom("group_members")
      .where("group_id", "=", group.id)
      .where("user_id", "=", input.userId)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n) {
      throw notFound("GROUP_MEMBER_NOT_FOUND", "This person is not in the group.");
    }
    await recordChange(trx, access, now, "group.member_removed", ["group", group.id], {
      userId: input.userId,
    });
  });
}
