import { sql } from "kysely";
import type { Actor, Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { builtInRole, isPermission, type Permission } from "./permissions.js";

/** What the caller may do in one organization, loaded once per request. */
export interface OrgAccess {
  orgId: string;
  actor: Actor;
  role: string;
  permissions: ReadonlySet<Permission>;
}

export const orgNotFound = () =>
  notFound("ORG_NOT_FOUND", "This organization does not exist, or you are not a member of it.");

/**
 * The caller's membership and effective permissions in one query. A caller who is not a member
 * learns nothing (NOT_FOUND, the same as for an organization that does not exist); a deactivated
 * member is refused at once, whatever their role.
 */
export async function loadOrgAccess(deps: Deps, actor: Actor, orgId: string): Promise<OrgAccess> {
  const row = await deps.db
    .selectFrom("memberships as m")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "m.org_id").onRef("r.key", "=", "m.role"))
    .select(["m.role", "m.status", sql<string[] | null>`r.permissions`.as("custom_permissions")])
    .where("m.org_id", "=", orgId)
    .where("m.user_id", "=", actor.userId)
    .executeTakeFirst();
  if (!row) throw orgNotFound();
  if (row.status !== "active") {
    throw forbidden(
      "MEMBERSHIP_DEACTIVATED",
      "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
    );
  }
  const granted = builtInRole(row.role)?.permissions ?? (row.custom_permissions ?? []).filter(isPermission);
  return { orgId, actor, role: row.role, permissions: new Set(granted) };
}

export function requirePermission(access: OrgAccess, permission: Permission): void {
  if (!access.permissions.has(permission)) {
    throw forbidden(
      "PERMISSION_DENIED",
      `Your role does not allow this (it needs the "${permission}" permission).`,
      {
        permission,
      },
    );
  }
}
