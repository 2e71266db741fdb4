import type { Database } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { groupNotFound } from "./groups.js";
import { findInOrg } from "./org-rows.js";
import { lockActiveOwners } from "./owners.js";
import { syncProvisionedRoles } from "./scim-roles.js";
import { conflictOnUnique } from "./unique-conflicts.js";

/**
 * Provisioned groups (SCIM Groups) are the organization's groups: a group the provider creates is a
 * Roster group (with the provider's externalId kept in `scim_groups`), and every group of the
 * organization is listed. Membership changes are the audited `group.member_added/removed`, and
 * the members' roles follow the group → role mappings (domain/scim-roles.ts).
 */
export interface ScimGroupRecord {
  groupId: string;
  displayName: string;
  externalId: string | null;
  members: { userId: string; display: string }[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ScimGroupQuery {
  id?: string[];
  displayName?: string[];
  externalId?: string[];
}

export interface ScimGroupInput {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const uniqueConflicts = conflictOnUnique({
  groups_name_key: () =>
    conflict("GROUP_NAME_TAKEN", "Another group in this organization already has this displayName."),
  scim_groups_external_id_key: () =>
    conflict(
      "SCIM_RESOURCE_EXISTS",
      "A group with this externalId is already provisioned in this organization.",
    ),
});

function baseQuery(db: Kysely<Database>, orgId: string) {
  return db
    .selectFrom("groups as g")
    .leftJoin("scim_groups as sg", "sg.group_id", "g.id")
    .select(["g.id", "g.name", "g.created_at", "g.updated_at", "sg.external_id"])
    .where("g.org_id", "=", orgId);
}

async function withMembers(
  db: Kysely<Database>,
  orgId: string,
  rows: { id: string; name: string; created_at: Date; updated_at: Date; external_id: string | null }[],
  members: boolean,
): Promise<ScimGroupRecord[]> {
  const ids = rows.map((r) => r.id);
  const all =
    members && ids.length > 0
      ? await db
          .selectFrom("group_members as gm")
          .innerJoin("users as u", "u.id", "gm.user_id")
          .select(["gm.group_id", "gm.user_id", "u.email"])
          .where("gm.org_id", "=", orgId)
          .where("gm.group_id", "in", ids)
          .orderBy("gm.user_id")
          .execute()
      : [];
  return rows.map((r) => ({
    groupId: r.id,
    displayName: r.name,
    externalId: r.external_id,
    members: members
      ? all.filter((m) => m.group_id === r.id).map((m) => ({ userId: m.user_id, display: m.email }))
      : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function listScimGroups(
  deps: Deps,
  access: OrgAccess,
  query: ScimGroupQuery,
  page: { startIndex: number; count: number },
  members: boolean,
): Promise<{ total: number; items: ScimGroupRecord[] }> {
  if ((query.id ?? []).some((id) => !UUID.test(id))) return { total: 0, items: [] };
  let q = baseQuery(deps.db, access.orgId);
  for (const id of query.id ?? []) q = q.where("g.id", "=", id);
  for (const name of query.displayName ?? []) {
    q = q.where((eb) => eb(eb.fn("lower", ["g.name"]), "=", name.toLowerCase()));
  }
  for (const externalId of query.externalId ?? []) q = q.where("sg.external_id", "=", externalId);
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  if (page.count === 0) return { total: Number(total.n), items: [] };
  const rows = await q
    .orderBy("g.id")
    .offset(page.startIndex - 1)
    .limit(page.count)
    .execute();
  return { total: Number(total.n), items: await withMembers(deps.db, access.orgId, rows, members) };
}

export async function getScimGroup(
  db: Kysely<Database>,
  orgId: string,
  groupId: string,
  members = true,
): Promise<ScimGroupRecord> {
  if (!UUID.test(groupId)) throw groupNotFound();
  const row = await baseQuery(db, orgId).where("g.id", "=", groupId).executeTakeFirst();
  if (!row) throw groupNotFound();
  const [record] = await withMembers(db, orgId, [row], members);
  return record as ScimGroupRecord;
}

/** Makes the group's members exactly `memberIds` (people of the organization), audited one by one. */
async function setMembers(
  trx: Transaction<Database>,
  access: OrgAccess,
  groupId: string,
  memberIds: string[],
  now: Date,
): Promise<string[]> {
  const wanted = [...new Set(memberIds.map((id) => id.toLowerCase()))];
  if (wanted.some((id) => !UUID.test(id))) {
    throw notFound("MEMBER_NOT_FOUND", "Some of these members are not users of this organization.");
  }
  const people =
    wanted.length === 0
      ? []
      : await trx
          .selectFrom("memberships as m")
          .innerJoin("users as u", "u.id", "m.user_id")
          .select("m.user_id")
          .where("m.org_id", "=", access.orgId)
          .where("m.user_id", "in", wanted)
          .where("u.kind", "=", "person")
          .forShare("m")
          .execute();
  if (people.length !== wanted.length) {
    throw notFound("MEMBER_NOT_FOUND", "Some of these members are not users of this organization.");
  }
  const current = await trx
    .selectFrom("group_members")
    .select("user_id")
    .where("group_id", "=", groupId)
    .execute();
  const have = new Set(current.map((c) => c.user_id));
  const adding = wanted.filter((id) => !have.has(id)).sort();
  const removing = [...have].filter((id) => !wanted.includes(id)).sort();
  if (adding.length > 0) {
    await trx
      .insertInto("group_members")
      .values(
        adding.map((userId) => ({
          org_id: access.orgId,
          group_id: groupId,
          user_id: userId,
          added_by: access.actor.userId,
          created_at: now,
        })),
      )
      .execute();
  }
  if (removing.length > 0) {
    await trx
      .deleteFrom("group_members")
      .where("group_id", "=", groupId)
      .where("user_id", "in", removing)
      .execute();
  }
  for (const userId of adding)
    await recordChange(trx, access, now, "group.member_added", ["group", groupId], { userId });
  for (const userId of removing) {
    await recordChange(trx, access, now, "group.member_removed", ["group", groupId], { userId });
  }
  return [...adding, ...removing];
}

export async function createScimGroup(
  deps: Deps,
  access: OrgAccess,
  input: ScimGroupInput,
): Promise<ScimGroupRecord> {
  const now = deps.clock();
  const groupId = await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const group = await trx
      .insertInto("groups")
      .values({
        org_id: access.orgId,
        name: input.displayName,
        description: "",
        created_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("scim_groups")
      .values({
        group_id: group.id,
        org_id: access.orgId,
        external_id: input.externalId,
        role: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordChange(trx, access, now, "group.created", ["group", group.id], { name: group.name });
    const touched = await setMembers(trx, access, group.id, input.memberIds, now);
    await syncProvisionedRoles(trx, access, owners, touched, now);
    return group.id;
  }).catch(uniqueConflicts);
  return getScimGroup(deps.db, access.orgId, groupId);
}

/**
 * PUT and PATCH: the group's name, externalId and members become what `next` makes of the group as
 * it is once locked, so concurrent PATCHes (Entra adds members in parallel) each build on the last.
 */
export async function replaceScimGroup(
  deps: Deps,
  access: OrgAccess,
  groupId: string,
  next: (current: ScimGroupRecord) => ScimGroupInput,
): Promise<void> {
  if (!UUID.test(groupId)) throw groupNotFound();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const group = await findInOrg(trx, "groups", access.orgId, groupId, groupNotFound, { forUpdate: true });
    const input = next(await getScimGroup(trx, access.orgId, groupId));
    const link = await trx
      .selectFrom("scim_groups")
      .select(["external_id"])
      .where("group_id", "=", groupId)
      .executeTakeFirst();
    if (group.name !== input.displayName) {
      await trx
        .updateTable("groups")
        .set({ name: input.displayName, updated_at: now })
        .where("id", "=", groupId)
        .execute();
      await recordChange(trx, access, now, "group.updated", ["group", groupId], {
        from: group.name,
        to: input.displayName,
      });
    }
    if ((link?.external_id ?? null) !== input.externalId) {
      await trx
        .insertInto("scim_groups")
        .values({
          group_id: groupId,
          org_id: access.orgId,
          external_id: input.externalId,
          role: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column("group_id").doUpdateSet({ external_id: input.externalId, updated_at: now }),
        )
        .execute();
    }
    const touched = await setMembers(trx, access, groupId, input.memberIds, now);
    await syncProvisionedRoles(trx, access, owners, touched, now);
  }).catch(uniqueConflicts);
}

export async function deleteScimGroup(deps: Deps, access: OrgAccess, groupId: string): Promise<void> {
  if (!UUID.test(groupId)) throw groupNotFound();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const group = await findInOrg(trx, "groups", access.orgId, groupId, groupNotFound, { forUpdate: true });
    const members = await trx
      .selectFrom("group_members")
      .select("user_id")
      .where("group_id", "=", groupId)
      .execute();
    await trx.deleteFrom("groups").where("id", "=", groupId).execute();
    await recordChange(trx, access, now, "group.deleted", ["group", groupId], { name: group.name });
    await syncProvisionedRoles(
      trx,
      access,
      owners,
      members.map((m) => m.user_id),
      now,
    );
  });
}
