import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, forbidden, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { BUILT_IN_ROLES, builtInRole, isPermission, type Permission } from "./permissions.js";
import { conflictOnUnique } from "./unique-conflicts.js";

export interface RoleView {
  key: string;
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
}

export async function listRoles(deps: Deps, access: OrgAccess): Promise<RoleView[]> {
  const custom = await deps.db
    .selectFrom("roles")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy("name")
    .execute();
  return [
    ...BUILT_IN_ROLES.map((r) => ({ ...r, permissions: [...r.permissions], builtIn: true })),
    ...custom.map((r) => ({
      key: r.key,
      name: r.name,
      description: r.description,
      permissions: r.permissions,
      builtIn: false,
    })),
  ];
}

const roleNotFound = (key: string) =>
  badRequest(
    "ROLE_NOT_FOUND",
    `There is no role "${key}" in this organization. Pick one from the list of roles.`,
  );

/**
 * Resolves a role the caller wants to give someone. Nobody can hand out more than they hold: a
 * role with a permission the caller lacks is refused. A custom role is locked (FOR SHARE) so a
 * concurrent delete waits until the grant is committed and then sees it in use.
 */
export async function resolveGrantableRole(
  trx: Transaction<Database>,
  access: OrgAccess,
  key: string,
): Promise<{ key: string; name: string; permissions: readonly Permission[] }> {
  const builtIn = builtInRole(key);
  let role: { key: string; name: string; permissions: readonly Permission[] };
  if (builtIn) {
    role = builtIn;
  } else {
    const row = await trx
      .selectFrom("roles")
      .select(["key", "name", "permissions"])
      .where("org_id", "=", access.orgId)
      .where("key", "=", key)
      .forShare()
      .executeTakeFirst();
    if (!row) throw roleNotFound(key);
    role = { key: row.key, name: row.name, permissions: row.permissions.filter(isPermission) };
  }
  const missing = role.permissions.filter((p) => !access.permissions.has(p));
  if (missing.length > 0) {
    throw forbidden(
      "ROLE_NOT_ALLOWED",
      `You cannot give the ${role.name} role because it has permissions your own role does not (${missing.slice(0, 3).join(", ")}).`,
      { missing },
    );
  }
  return role;
}

/** The permissions a role carries: built-in, or the organization's custom role (none if unknown). */
export async function permissionsOfRole(
  trx: Transaction<Database>,
  orgId: string,
  key: string,
): Promise<{ name: string; permissions: readonly Permission[] }> {
  const builtIn = builtInRole(key);
  if (builtIn) return builtIn;
  const row = await trx
    .selectFrom("roles")
    .select(["name", "permissions"])
    .where("org_id", "=", orgId)
    .where("key", "=", key)
    .executeTakeFirst();
  return { name: row?.name ?? key, permissions: (row?.permissions ?? []).filter(isPermission) };
}

/**
 * Roles do not act on stronger roles: changing the role of, deactivating, removing or handing out
 * keys for a member needs every permission the member's current role carries. Owners act on
 * anyone; only an owner acts on an owner.
 */
export async function assertMayActOn(
  trx: Transaction<Database>,
  access: OrgAccess,
  targetRole: string,
): Promise<void> {
  if (access.role === "owner") return;
  if (targetRole === "owner") {
    throw forbidden("OWNER_REQUIRED", "Only an owner can change another owner's membership.");
  }
  const target = await permissionsOfRole(trx, access.orgId, targetRole);
  const missing = target.permissions.filter((p) => !access.permissions.has(p));
  if (missing.length > 0) {
    throw forbidden(
      "MEMBER_OUTRANKS_YOU",
      `You cannot change a member whose role (${target.name}) has permissions your own role does not (${missing.slice(0, 3).join(", ")}).`,
      { missing },
    );
  }
}

export async function roleName(trx: Transaction<Database>, orgId: string, key: string): Promise<string> {
  const builtIn = builtInRole(key);
  if (builtIn) return builtIn.name;
  const row = await trx
    .selectFrom("roles")
    .select("name")
    .where("org_id", "=", orgId)
    .where("key", "=", key)
    .executeTakeFirst();
  return row?.name ?? key;
}

function checkPermissions(access: OrgAccess, permissions: string[]): Permission[] {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw badRequest("INVALID_PERMISSION", `Unknown permission: ${unknown.join(", ")}.`, { unknown });
  }
  const missing = (permissions as Permission[]).filter((p) => !access.permissions.has(p));
  if (missing.length > 0) {
    throw forbidden(
      "ROLE_NOT_ALLOWED",
      `A role cannot have permissions your own role does not (${missing.slice(0, 3).join(", ")}).`,
      { missing },
    );
  }
  return [...new Set(permissions as Permission[])];
}

const builtInError = () =>
  badRequest("BUILT_IN_ROLE", "Built-in roles cannot be changed. Create a custom role instead.");

export async function createRole(
  deps: Deps,
  access: OrgAccess,
  input: { key: string; name: string; description?: string | undefined; permissions: string[] },
): Promise<RoleView> {
  if (builtInRole(input.key))
    throw conflict("ROLE_EXISTS", `"${input.key}" is a built-in role. Choose another key.`);
  const permissions = checkPermissions(access, input.permissions);
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    const row = await trx
      .insertInto("roles")
      .values({
        org_id: access.orgId,
        key: input.key,
        name: input.name,
        description: input.description ?? "",
        permissions,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "role.created", ["role", row.key], { permissions });
    return row;
  }).catch(
    conflictOnUnique({
      roles_pkey: () =>
        conflict("ROLE_EXISTS", `A role with the key "${input.key}" already exists. Choose another key.`),
    }),
  );
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    permissions: row.permissions,
    builtIn: false,
  };
}

export async function updateRole(
  deps: Deps,
  access: OrgAccess,
  input: {
    key: string;
    name?: string | undefined;
    description?: string | undefined;
    permissions?: string[] | undefined;
  },
): Promise<RoleView> {
  if (builtInRole(input.key)) throw builtInError();
  const permissions = input.permissions ? checkPermissions(access, input.permissions) : undefined;
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("roles")
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(permissions ? { permissions } : {}),
        updated_at: now,
      })
      .where("org_id", "=", access.orgId)
      .where("key", "=", input.key)
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw notFound("ROLE_NOT_FOUND", `There is no custom role "${input.key}" in this organization.`);
    await recordChange(trx, access, now, "role.updated", ["role", row.key], { permissions: row.permissions });
    return row;
  });
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    permissions: row.permissions,
    builtIn: false,
  };
}

/** A role that a member or a pending invitation holds cannot be deleted. */
export async function deleteRole(deps: Deps, access: OrgAccess, input: { key: string }): Promise<void> {
  if (builtInRole(input.key)) throw builtInError();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const role = await trx
      .selectFrom("roles")
      .select("key")
      .where("org_id", "=", access.orgId)
      .where("key", "=", input.key)
      .forUpdate()
      .executeTakeFirst();
    if (!role)
      throw notFound("ROLE_NOT_FOUND", `There is no custom role "${input.key}" in this organization.`);
    const inUse = await trx
      .selectNoFrom((eb) => [
        eb
          .exists(
            eb
              .selectFrom("memberships")
              .select("user_id")
              .where("org_id", "=", access.orgId)
              .where("role", "=", input.key),
          )
          .as("by_member"),
        eb
          .exists(
            eb
              .selectFrom("invitations")
              .select("id")
              .where("org_id", "=", access.orgId)
              .where("role", "=", input.key)
              .where("status", "=", "pending"),
          )
          .as("by_invitation"),
        eb
          .exists(
            eb
              .selectFrom("workspace_grants")
              .select("id")
              .where("org_id", "=", access.orgId)
              .where("role", "=", input.key),
          )
          .as("by_workspace_grant"),
      ])
      .executeTakeFirstOrThrow();
    if (inUse.by_member || inUse.by_invitation) {
      throw conflict(
        "ROLE_IN_USE",
        "This role is still given to members or pending invitations. Give them another role first.",
      );
    }
    if (inUse.by_workspace_grant) {
      throw conflict(
        "ROLE_IN_USE",
        "This role is still granted on workspaces. Change or revoke those workspace grants first.",
      );
    }
    await trx.deleteFrom("roles").where("org_id", "=", access.orgId).where("key", "=", input.key).execute();
    await recordChange(trx, access, now, "role.deleted", ["role", input.key]);
  });
}
