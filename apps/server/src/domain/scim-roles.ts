import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { OrgAccess } from "./access.js";
import { changeRole } from "./members.js";
import { builtInRole } from "./permissions.js";

/**
 * The role provisioning gives a member. A member of groups mapped to roles gets the mapped role that
 * carries the most permissions (ties: the role key first in order); a provisioned member in no
 * mapped group gets the connection's default role; anyone else keeps theirs. Provisioning never
 * makes or unmakes an owner: owners keep their role whatever their groups.
 */

/** The role new provisioned members get (the connection's, `member` until an admin picks one). */
export async function defaultProvisionedRole(trx: Transaction<Database>, orgId: string): Promise<string> {
  const row = await trx
    .selectFrom("scim_connections")
    .select("default_role")
    .where("org_id", "=", orgId)
    .executeTakeFirst();
  return row?.default_role ?? "member";
}

/** Mapped roles that still exist, ranked: the strongest first. */
async function rankedRoles(trx: Transaction<Database>, orgId: string, keys: string[]): Promise<string[]> {
  const custom = keys.filter((k) => !builtInRole(k));
  const rows =
    custom.length === 0
      ? []
      : await trx
          .selectFrom("roles")
          .select(["key", "permissions"])
          .where("org_id", "=", orgId)
          .where("key", "in", custom)
          .execute();
  const size = new Map<string, number>(rows.map((r) => [r.key, r.permissions.length]));
  for (const k of keys) {
    const builtIn = builtInRole(k);
    if (builtIn) size.set(k, builtIn.permissions.length);
  }
  return [...size.keys()]
    .filter((k) => k !== "owner")
    .sort((a, b) => (size.get(b) ?? 0) - (size.get(a) ?? 0) || a.localeCompare(b));
}

/**
 * Gives each of `userIds` the role their groups and provisioning say, inside the caller's
 * transaction, after the active owners (`owners`) are locked. Each change is an audited
 * `member.role_changed`.
 */
export async function syncProvisionedRoles(
  trx: Transaction<Database>,
  access: OrgAccess,
  owners: Set<string>,
  userIds: readonly string[],
  now: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  const ids = [...new Set(userIds)].sort();
  const members = await trx
    .selectFrom("memberships as m")
    .leftJoin("scim_users as s", (j) =>
      j.onRef("s.org_id", "=", "m.org_id").onRef("s.user_id", "=", "m.user_id"),
    )
    .select(["m.user_id", "m.role", "m.status", "s.user_id as provisioned"])
    .where("m.org_id", "=", access.orgId)
    .where("m.user_id", "in", ids)
    .orderBy("m.user_id")
    .forUpdate("m")
    .execute();
  const mapped = await trx
    .selectFrom("group_members as gm")
    .innerJoin("scim_groups as sg", "sg.group_id", "gm.group_id")
    .select(["gm.user_id", "sg.role"])
    .where("gm.org_id", "=", access.orgId)
    .where("gm.user_id", "in", ids)
    .where("sg.role", "is not", null)
    .execute();
  const fallback = await defaultProvisionedRole(trx, access.orgId);
  for (const member of members) {
    if (member.role === "owner") continue;
    const keys = mapped.filter((m) => m.user_id === member.user_id).map((m) => m.role as string);
    const [best] = keys.length > 0 ? await rankedRoles(trx, access.orgId, [...new Set(keys)]) : [];
    const role = best ?? (member.provisioned ? fallback : undefined);
    if (role === undefined || role === member.role) continue;
    await changeRole(trx, access, owners, member, role, now);
  }
}
