import type { Database } from "@roster/db";
import { type Kysely, sql } from "kysely";
import type { Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { BUILT_IN_ROLES, builtInRole, isPermission, type Permission } from "./permissions.js";

/**
 * Effective permissions inside a workspace: the organization role plus every role granted on the
 * workspace or an ancestor, to the member or to one of their groups. The authorization beside
 * `access.ts`, which loads the organization-wide part.
 */
/** Deeper chains than this are refused; it also bounds every walk up the tree. */
export const MAX_WORKSPACE_DEPTH = 16;

export const workspaceNotFound = () =>
  notFound("WORKSPACE_NOT_FOUND", "This workspace does not exist in this organization.");

export type PermissionSource =
  | { via: "organization"; role: string }
  | {
      via: "member" | "group";
      role: string;
      workspaceId: string;
      groupId: string | null;
      inherited: boolean;
    };

export interface WorkspacePermissions {
  status: "active" | "deactivated";
  orgRole: string;
  workspaceFound: boolean;
  permissions: Set<Permission>;
  sources: PermissionSource[];
}

interface PermissionRow {
  status: "active" | "deactivated";
  role: string;
  role_permissions: string[] | null;
  workspace_found: boolean;
  grants: {
    role: string;
    workspaceId: string;
    groupId: string | null;
    depth: number;
    permissions: string[] | null;
  }[];
}

function rolePermissions(key: string, custom: string[] | null): readonly Permission[] {
  return builtInRole(key)?.permissions ?? (custom ?? []).filter(isPermission);
}

/** SQL: the workspace grant `g` is the member's, directly or through one of their groups. */
function grantHeldBy(orgId: string, userId: string) {
  return sql<boolean>`(
    g.user_id = ${userId}
    or g.group_id in (
      select gm.group_id from group_members gm where gm.org_id = ${orgId} and gm.user_id = ${userId}
    )
  )`;
}

/**
 * A member's effective permissions in one workspace, in one query: the organization role, plus
 * every role granted on the workspace or any of its ancestors, directly or to one of the member's
 * groups. Returns null when `userId` is not a member of the organization.
 */
export async function loadWorkspacePermissions(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
  workspaceId: string,
): Promise<WorkspacePermissions | null> {
  const { rows } = await sql<PermissionRow>`
    with recursive chain as (
      select w.id, w.parent_id, 0 as depth
      from workspaces w
      where w.id = ${workspaceId} and w.org_id = ${orgId}
      union all
      select p.id, p.parent_id, c.depth + 1
      from workspaces p
      join chain c on p.id = c.parent_id
      where p.org_id = ${orgId} and c.depth < ${MAX_WORKSPACE_DEPTH}
    ),
    held as (
      select g.role, g.workspace_id, g.group_id, c.depth, r.permissions
      from workspace_grants g
      join chain c on c.id = g.workspace_id
      left join roles r on r.org_id = g.org_id and r.key = g.role
      where g.org_id = ${orgId}
        and ${grantHeldBy(orgId, userId)}
    )
    select
      m.status,
      m.role,
      orole.permissions as role_permissions,
      exists (select 1 from chain) as workspace_found,
      coalesce(
        (
          select json_agg(
            json_build_object(
              'role', h.role, 'workspaceId', h.workspace_id, 'groupId', h.group_id,
              'depth', h.depth, 'permissions', h.permissions
            )
            order by h.depth, h.role
          )
          from held h
        ),
        '[]'::json
      ) as grants
    from memberships m
    left join roles orole on orole.org_id = m.org_id and orole.key = m.role
    where m.org_id = ${orgId} and m.user_id = ${userId}
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  const permissions = new Set<Permission>(rolePermissions(row.role, row.role_permissions));
  const sources: PermissionSource[] = [{ via: "organization", role: row.role }];
  for (const g of row.grants) {
    for (const p of rolePermissions(g.role, g.permissions)) permissions.add(p);
    sources.push({
      via: g.groupId ? "group" : "member",
      role: g.role,
      workspaceId: g.workspaceId,
      groupId: g.groupId,
      inherited: g.depth > 0,
    });
  }
  return {
    status: row.status,
    orgRole: row.role,
    workspaceFound: row.workspace_found,
    permissions,
    sources,
  };
}

/**
 * The caller's access inside a workspace: the organization access with the workspace's effective
 * permissions. Refuses a workspace of another organization (NOT_FOUND).
 */
export async function workspaceAccess(
  db: Kysely<Database>,
  access: OrgAccess,
  workspaceId: string,
): Promise<OrgAccess> {
  const loaded = await loadWorkspacePermissions(db, access.orgId, access.actor.userId, workspaceId);
  if (!loaded?.workspaceFound) throw workspaceNotFound();
  if (loaded.status !== "active") {
    throw forbidden(
      "MEMBERSHIP_DEACTIVATED",
      "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
    );
  }
  return { ...access, permissions: loaded.permissions };
}

/**
 * Checks `permission` at workspace scope (organization scope when `workspaceId` is null). The
 * organization role applies in every workspace, so holding it there is enough and costs no query;
 * otherwise the workspace's effective permissions are loaded (one query).
 */
export async function requireWorkspacePermission(
  db: Kysely<Database>,
  access: OrgAccess,
  workspaceId: string | null,
  permission: Permission,
): Promise<void> {
  if (access.permissions.has(permission)) return;
  if (workspaceId === null) return requirePermission(access, permission);
  await workspaceAccessWith(db, access, workspaceId, permission);
}

/**
 * The caller's access inside a workspace (`workspaceAccess`), refused unless it holds `permission`
 * there: for a check whose next step needs the workspace's permissions (granting a role in it).
 */
export async function workspaceAccessWith(
  db: Kysely<Database>,
  access: OrgAccess,
  workspaceId: string,
  permission: Permission,
): Promise<OrgAccess> {
  const scoped = await workspaceAccess(db, access, workspaceId);
  if (!scoped.permissions.has(permission)) {
    throw forbidden(
      "PERMISSION_DENIED",
      `Your roles do not allow this in this workspace (it needs the "${permission}" permission).`,
      { permission, workspaceId },
    );
  }
  return scoped;
}

/**
 * SQL for the ids of the workspaces where a member holds `permission` through a workspace grant
 * (to them or to one of their groups), including every descendant of such a workspace.
 */
export function workspacesGrantingSql(orgId: string, userId: string, permission: Permission) {
  const builtIn = BUILT_IN_ROLES.filter((r) => r.permissions.includes(permission)).map((r) => r.key);
  return sql<string>`(
    with recursive granted as (
      select g.workspace_id as id, 0 as depth
      from workspace_grants g
      left join roles r on r.org_id = g.org_id and r.key = g.role
      where g.org_id = ${orgId}
        and ${grantHeldBy(orgId, userId)}
        and (g.role in (${sql.join(builtIn)}) or ${permission} = any(r.permissions))
      union
      select w.id, gr.depth + 1
      from workspaces w
      join granted gr on w.parent_id = gr.id
      where w.org_id = ${orgId} and gr.depth < ${MAX_WORKSPACE_DEPTH}
    )
    select id from granted
  )`;
}

/** The caller's own effective permissions in a workspace, and where each role comes from. */
export async function myWorkspacePermissions(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<{ workspaceId: string; permissions: Permission[]; sources: PermissionSource[] }> {
  const loaded = await loadWorkspacePermissions(
    deps.db,
    access.orgId,
    access.actor.userId,
    input.workspaceId,
  );
  if (!loaded?.workspaceFound) throw workspaceNotFound();
  return {
    workspaceId: input.workspaceId,
    permissions: [...loaded.permissions].sort(),
    sources: loaded.sources,
  };
}
