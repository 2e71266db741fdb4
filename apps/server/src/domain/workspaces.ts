import type { Database, Workspace } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { recordAudit } from "./audit.js";
import { BUILT_IN_ROLES, builtInRole, isPermission, type Permission } from "./permissions.js";
import { resolveGrantableRole } from "./roles.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** Deeper chains than this are refused; it also bounds every walk up the tree. */
export const MAX_WORKSPACE_DEPTH = 16;

export interface WorkspaceView {
  id: string;
  orgId: string;
  parentId: string | null;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export function toWorkspaceView(w: Workspace): WorkspaceView {
  return {
    id: w.id,
    orgId: w.org_id,
    parentId: w.parent_id,
    name: w.name,
    description: w.description,
    createdAt: w.created_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
  };
}

export const workspaceNotFound = () =>
  notFound("WORKSPACE_NOT_FOUND", "This workspace does not exist in this organization.");

const nameTaken = () =>
  conflict(
    "WORKSPACE_NAME_TAKEN",
    "Another workspace in the same place already has this name. Choose a different name.",
  );

// ---- effective permissions ----

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

/**
 * A member's effective permissions in one workspace, in one query: the organization role, plus
 * every role granted on the workspace or any of its ancestors, directly or to one of the member's
 * groups. Returns null when `userId` is not a member of the organization.
 */
export async function loadWorkspacePermissions(
  db: Executor,
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
        and (
          g.user_id = ${userId}
          or g.group_id in (
            select gm.group_id from group_members gm where gm.org_id = ${orgId} and gm.user_id = ${userId}
          )
        )
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
  deps: Deps,
  access: OrgAccess,
  workspaceId: string,
  db: Executor = deps.db,
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
  deps: Deps,
  access: OrgAccess,
  workspaceId: string | null,
  permission: Permission,
  db: Executor = deps.db,
): Promise<void> {
  if (access.permissions.has(permission)) return;
  if (workspaceId === null) return requirePermission(access, permission);
  const scoped = await workspaceAccess(deps, access, workspaceId, db);
  if (!scoped.permissions.has(permission)) {
    throw forbidden(
      "PERMISSION_DENIED",
      `Your roles do not allow this in this workspace (it needs the "${permission}" permission).`,
      { permission, workspaceId },
    );
  }
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
        and (
          g.user_id = ${userId}
          or g.group_id in (
            select gm.group_id from group_members gm where gm.org_id = ${orgId} and gm.user_id = ${userId}
          )
        )
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

// ---- reading ----

export async function listWorkspaces(deps: Deps, access: OrgAccess): Promise<WorkspaceView[]> {
  requirePermission(access, "workspaces:read");
  const rows = await deps.db
    .selectFrom("workspaces")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy(sql`lower(name)`)
    .orderBy("id")
    .execute();
  return rows.map(toWorkspaceView);
}

export async function findWorkspace(db: Executor, orgId: string, workspaceId: string): Promise<Workspace> {
  const row = await db
    .selectFrom("workspaces")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", workspaceId)
    .executeTakeFirst();
  if (!row) throw workspaceNotFound();
  return row;
}

/** The workspace and the path from the top of the tree down to it. */
export async function getWorkspace(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<WorkspaceView & { path: { id: string; name: string }[] }> {
  requirePermission(access, "workspaces:read");
  const workspace = await findWorkspace(deps.db, access.orgId, input.workspaceId);
  const ancestors = await ancestorChain(deps.db, access.orgId, workspace.id);
  return {
    ...toWorkspaceView(workspace),
    path: ancestors.reverse().map((a) => ({ id: a.id, name: a.name })),
  };
}

/** The workspace itself and then each ancestor, nearest first. */
async function ancestorChain(
  db: Executor,
  orgId: string,
  workspaceId: string,
): Promise<{ id: string; name: string; depth: number }[]> {
  const { rows } = await sql<{ id: string; name: string; depth: number }>`
    with recursive chain as (
      select w.id, w.parent_id, w.name, 0 as depth from workspaces w
      where w.id = ${workspaceId} and w.org_id = ${orgId}
      union all
      select p.id, p.parent_id, p.name, c.depth + 1 from workspaces p
      join chain c on p.id = c.parent_id
      where p.org_id = ${orgId} and c.depth < ${MAX_WORKSPACE_DEPTH + 1}
    )
    select id, name, depth from chain order by depth
  `.execute(db);
  return rows;
}

/** How many levels sit below the workspace (0 for a leaf). */
async function subtreeHeight(db: Executor, orgId: string, workspaceId: string): Promise<number> {
  const { rows } = await sql<{ height: number }>`
    with recursive below as (
      select w.id, 0 as depth from workspaces w where w.id = ${workspaceId} and w.org_id = ${orgId}
      union all
      select c.id, b.depth + 1 from workspaces c
      join below b on c.parent_id = b.id
      where c.org_id = ${orgId} and b.depth < ${MAX_WORKSPACE_DEPTH + 1}
    )
    select coalesce(max(depth), 0)::int as height from below
  `.execute(db);
  return rows[0]?.height ?? 0;
}

/**
 * Changes to the shape of one organization's tree (create, move, delete) run one at a time, so
 * two concurrent moves can never build a cycle between them.
 */
async function lockTree(trx: Transaction<Database>, orgId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`roster:workspaces:${orgId}`}))`.execute(trx);
}

const tooDeep = () =>
  badRequest(
    "WORKSPACE_TOO_DEEP",
    `Workspaces nest at most ${MAX_WORKSPACE_DEPTH} levels deep. Place it higher up in the tree.`,
  );

// ---- changing ----

export async function createWorkspace(
  deps: Deps,
  access: OrgAccess,
  input: { name: string; description?: string | undefined; parentId?: string | null | undefined },
): Promise<WorkspaceView> {
  const parentId = input.parentId ?? null;
  const now = deps.clock();
  try {
    const row = await runTransaction(deps, async (trx) => {
      await lockTree(trx, access.orgId);
      if (parentId) {
        await findWorkspace(trx, access.orgId, parentId).catch(() => {
          throw notFound("PARENT_NOT_FOUND", "The parent workspace does not exist in this organization.");
        });
        if ((await ancestorChain(trx, access.orgId, parentId)).length >= MAX_WORKSPACE_DEPTH) throw tooDeep();
      }
      // Creating a workspace is acting inside its parent (or the organization, at the top).
      await requireWorkspacePermission(deps, access, parentId, "workspaces:manage", trx);
      const row = await trx
        .insertInto("workspaces")
        .values({
          org_id: access.orgId,
          parent_id: parentId,
          name: input.name,
          description: input.description ?? "",
          created_by: access.actor.userId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        access.orgId,
        access.actor,
        {
          action: "workspace.created",
          targetType: "workspace",
          targetId: row.id,
          data: { name: row.name, parentId },
        },
        now,
      );
      return row;
    });
    return toWorkspaceView(row);
  } catch (error) {
    if (isUniqueViolation(error, "workspaces_sibling_name_key")) throw nameTaken();
    throw error;
  }
}

/**
 * Renames or describes a workspace (workspaces:manage in it), or moves it under another parent
 * (workspaces:manage where it is now and where it goes). Moving it under itself or one of its
 * descendants is refused.
 */
export async function updateWorkspace(
  deps: Deps,
  access: OrgAccess,
  input: {
    workspaceId: string;
    name?: string | undefined;
    description?: string | undefined;
    parentId?: string | null | undefined;
  },
): Promise<WorkspaceView> {
  const now = deps.clock();
  try {
    const row = await runTransaction(deps, async (trx) => {
      const moving = input.parentId !== undefined;
      if (moving) await lockTree(trx, access.orgId);
      const current = await findWorkspace(trx, access.orgId, input.workspaceId);
      await requireWorkspacePermission(deps, access, current.id, "workspaces:manage", trx);
      const newParent = input.parentId ?? null;
      const moved = moving && newParent !== current.parent_id;
      if (moved) {
        await requireWorkspacePermission(deps, access, current.parent_id, "workspaces:manage", trx);
        if (newParent) {
          await findWorkspace(trx, access.orgId, newParent).catch(() => {
            throw notFound("PARENT_NOT_FOUND", "The parent workspace does not exist in this organization.");
          });
          const chain = await ancestorChain(trx, access.orgId, newParent);
          if (chain.some((a) => a.id === current.id)) {
            throw badRequest(
              "WORKSPACE_CYCLE",
              "A workspace cannot be moved under itself or one of its own sub-workspaces.",
            );
          }
          const height = await subtreeHeight(trx, access.orgId, current.id);
          if (chain.length + height + 1 > MAX_WORKSPACE_DEPTH) throw tooDeep();
        }
        await requireWorkspacePermission(deps, access, newParent, "workspaces:manage", trx);
      }
      const row = await trx
        .updateTable("workspaces")
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(moved ? { parent_id: newParent } : {}),
          updated_at: now,
        })
        .where("id", "=", current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const changed = Object.keys(input).filter((k) => k !== "workspaceId" && k !== "orgId");
      await recordAudit(
        trx,
        access.orgId,
        access.actor,
        {
          action: moved ? "workspace.moved" : "workspace.updated",
          targetType: "workspace",
          targetId: row.id,
          data: {
            changed,
            ...(input.name !== undefined && input.name !== current.name
              ? { from: current.name, to: row.name }
              : {}),
            ...(moved ? { fromParentId: current.parent_id, toParentId: newParent } : {}),
          },
        },
        now,
      );
      return row;
    });
    return toWorkspaceView(row);
  } catch (error) {
    if (isUniqueViolation(error, "workspaces_sibling_name_key")) throw nameTaken();
    throw error;
  }
}

/** Deletes an empty workspace: no sub-workspaces and no resources. Its grants go with it. */
export async function deleteWorkspace(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    await lockTree(trx, access.orgId);
    const current = await findWorkspace(trx, access.orgId, input.workspaceId);
    // Deleting is acting where the workspace sits: its parent, or the organization.
    await requireWorkspacePermission(deps, access, current.parent_id, "workspaces:manage", trx);
    const contents = await trx
      .selectNoFrom((eb) => [
        eb
          .selectFrom("workspaces")
          .select(eb.fn.countAll<string>().as("n"))
          .where("org_id", "=", access.orgId)
          .where("parent_id", "=", current.id)
          .as("children"),
        eb
          .selectFrom("resources")
          .select(eb.fn.countAll<string>().as("n"))
          .where("org_id", "=", access.orgId)
          .where("workspace_id", "=", current.id)
          .as("resources"),
      ])
      .executeTakeFirstOrThrow();
    if (Number(contents.children) > 0) {
      throw conflict(
        "WORKSPACE_HAS_CHILDREN",
        "This workspace contains other workspaces. Move or delete them first.",
        { children: Number(contents.children) },
      );
    }
    if (Number(contents.resources) > 0) {
      throw conflict(
        "WORKSPACE_NOT_EMPTY",
        `This workspace still holds ${contents.resources} resource(s). Move or delete them first.`,
        { resources: Number(contents.resources) },
      );
    }
    await trx.deleteFrom("workspaces").where("id", "=", current.id).execute();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "workspace.deleted",
        targetType: "workspace",
        targetId: current.id,
        data: { name: current.name, parentId: current.parent_id },
      },
      now,
    );
  });
}

// ---- grants ----

export type Principal = { userId: string } | { groupId: string } | { invitationId: string };

export interface GrantView {
  id: string;
  workspaceId: string;
  role: string;
  principal:
    | { type: "member"; userId: string; name: string; email: string; serviceAccount: boolean }
    | { type: "group"; groupId: string; name: string }
    | { type: "invitation"; invitationId: string; email: string };
  createdAt: string;
}

/**
 * Resolves a role that may be granted in a workspace: it exists, the caller holds every permission
 * in it there, and it is not `owner` (ownership is organization-wide).
 */
async function grantableWorkspaceRole(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  workspaceId: string,
  role: string,
): Promise<string> {
  if (role === "owner") {
    throw badRequest(
      "OWNER_NOT_GRANTABLE",
      "Ownership covers the whole organization and cannot be granted on a workspace. Grant admin instead.",
    );
  }
  const scoped = await workspaceAccess(deps, access, workspaceId, trx);
  if (!scoped.permissions.has("workspaces:manage")) {
    throw forbidden(
      "PERMISSION_DENIED",
      'Your roles do not allow this in this workspace (it needs the "workspaces:manage" permission).',
      { permission: "workspaces:manage", workspaceId },
    );
  }
  return (await resolveGrantableRole(trx, scoped, role)).key;
}

async function checkPrincipal(
  trx: Transaction<Database>,
  orgId: string,
  principal: Principal,
): Promise<void> {
  if ("userId" in principal) {
    const m = await trx
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where("user_id", "=", principal.userId)
      .executeTakeFirst();
    if (!m) throw notFound("MEMBER_NOT_FOUND", "This person is not a member of the organization.");
  } else if ("groupId" in principal) {
    const g = await trx
      .selectFrom("groups")
      .select("id")
      .where("org_id", "=", orgId)
      .where("id", "=", principal.groupId)
      .executeTakeFirst();
    if (!g) throw notFound("GROUP_NOT_FOUND", "This group does not exist in this organization.");
  } else {
    const inv = await trx
      .selectFrom("invitations")
      .select(["status"])
      .where("org_id", "=", orgId)
      .where("id", "=", principal.invitationId)
      .executeTakeFirst();
    if (!inv) throw notFound("INVITATION_NOT_FOUND", "This invitation does not exist in this organization.");
    if (inv.status !== "pending") {
      throw conflict(
        "INVITATION_NOT_PENDING",
        "This invitation is no longer open. Grant the workspace to the member instead.",
      );
    }
  }
}

function principalColumns(principal: Principal) {
  return {
    user_id: "userId" in principal ? principal.userId : null,
    group_id: "groupId" in principal ? principal.groupId : null,
    invitation_id: "invitationId" in principal ? principal.invitationId : null,
  };
}

function principalData(principal: Principal) {
  return "userId" in principal
    ? { principalType: "member", principalId: principal.userId }
    : "groupId" in principal
      ? { principalType: "group", principalId: principal.groupId }
      : { principalType: "invitation", principalId: principal.invitationId };
}

async function upsertGrant(
  trx: Transaction<Database>,
  orgId: string,
  workspaceId: string,
  principal: Principal,
  role: string,
  grantedBy: string,
  now: Date,
): Promise<string> {
  const cols = principalColumns(principal);
  const column = "userId" in principal ? "user_id" : "groupId" in principal ? "group_id" : "invitation_id";
  const row = await trx
    .insertInto("workspace_grants")
    .values({
      org_id: orgId,
      workspace_id: workspaceId,
      ...cols,
      role,
      granted_by: grantedBy,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", column])
        .where(column, "is not", null)
        .doUpdateSet({ role, granted_by: grantedBy, updated_at: now }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Gives a member, a group or a pending invitation a role on a workspace (replacing an earlier one). */
export async function grantWorkspaceAccess(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string; principal: Principal; role: string },
): Promise<{ grantId: string; role: string }> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const role = await grantableWorkspaceRole(deps, trx, access, input.workspaceId, input.role);
    await checkPrincipal(trx, access.orgId, input.principal);
    const grantId = await upsertGrant(
      trx,
      access.orgId,
      input.workspaceId,
      input.principal,
      role,
      access.actor.userId,
      now,
    );
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "workspace.access_granted",
        targetType: "workspace",
        targetId: input.workspaceId,
        data: { ...principalData(input.principal), role },
      },
      now,
    );
    return { grantId, role };
  });
}

export async function revokeWorkspaceAccess(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string; principal: Principal },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    await requireWorkspacePermission(deps, access, input.workspaceId, "workspaces:manage", trx);
    await findWorkspace(trx, access.orgId, input.workspaceId);
    const cols = principalColumns(input.principal);
    const deleted = await trx
      .deleteFrom("workspace_grants")
      .where("org_id", "=", access.orgId)
      .where("workspace_id", "=", input.workspaceId)
      .where((eb) =>
        cols.user_id
          ? eb("user_id", "=", cols.user_id)
          : cols.group_id
            ? eb("group_id", "=", cols.group_id)
            : eb("invitation_id", "=", cols.invitation_id as string),
      )
      .returning("role")
      .executeTakeFirst();
    if (!deleted) {
      throw notFound(
        "GRANT_NOT_FOUND",
        "There is no such grant on this workspace. It may have been removed already.",
      );
    }
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "workspace.access_revoked",
        targetType: "workspace",
        targetId: input.workspaceId,
        data: { ...principalData(input.principal), role: deleted.role },
      },
      now,
    );
  });
}

/** Who holds a role on this workspace itself (not inherited from ancestors). */
export async function listWorkspaceGrants(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<GrantView[]> {
  await requireWorkspacePermission(deps, access, input.workspaceId, "workspaces:read");
  await findWorkspace(deps.db, access.orgId, input.workspaceId);
  const rows = await deps.db
    .selectFrom("workspace_grants as g")
    .leftJoin("users as u", "u.id", "g.user_id")
    .leftJoin("groups as gr", "gr.id", "g.group_id")
    .leftJoin("invitations as i", "i.id", "g.invitation_id")
    .select([
      "g.id",
      "g.workspace_id",
      "g.role",
      "g.user_id",
      "g.group_id",
      "g.invitation_id",
      "g.created_at",
      "u.name as user_name",
      "u.email as user_email",
      "u.kind as user_kind",
      "gr.name as group_name",
      "i.email as invitation_email",
    ])
    .where("g.org_id", "=", access.orgId)
    .where("g.workspace_id", "=", input.workspaceId)
    // Members, then groups, then pending invitations; oldest first within each.
    .orderBy(sql`case when g.user_id is not null then 0 when g.group_id is not null then 1 else 2 end`)
    .orderBy("g.created_at")
    .orderBy("g.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    role: r.role,
    principal: r.user_id
      ? {
          type: "member" as const,
          userId: r.user_id,
          name: r.user_name ?? "",
          email: r.user_email ?? "",
          serviceAccount: r.user_kind === "service_account",
        }
      : r.group_id
        ? { type: "group" as const, groupId: r.group_id, name: r.group_name ?? "" }
        : {
            type: "invitation" as const,
            invitationId: r.invitation_id ?? "",
            email: r.invitation_email ?? "",
          },
    createdAt: r.created_at.toISOString(),
  }));
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

// ---- invitations ----

export interface InvitationWorkspace {
  workspaceId: string;
  role: string;
}

/**
 * Checks workspace assignments named in an invitation before any is stored: each workspace exists,
 * the inviter may grant access there, and may give that role there. Returns them deduplicated
 * (the last role named for a workspace wins).
 */
export async function checkInvitationWorkspaces(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  workspaces: InvitationWorkspace[],
): Promise<InvitationWorkspace[]> {
  const byWorkspace = new Map<string, string>();
  for (const w of workspaces) byWorkspace.set(w.workspaceId, w.role);
  const checked: InvitationWorkspace[] = [];
  for (const [workspaceId, role] of byWorkspace) {
    checked.push({ workspaceId, role: await grantableWorkspaceRole(deps, trx, access, workspaceId, role) });
  }
  return checked;
}

export async function grantInvitationWorkspaces(
  trx: Transaction<Database>,
  orgId: string,
  invitationId: string,
  workspaces: InvitationWorkspace[],
  grantedBy: string,
  now: Date,
): Promise<void> {
  for (const w of workspaces) {
    await upsertGrant(trx, orgId, w.workspaceId, { invitationId }, w.role, grantedBy, now);
  }
}

/** On acceptance, the invitation's workspace grants become the new member's, in the same transaction. */
export async function claimInvitationGrants(
  trx: Transaction<Database>,
  orgId: string,
  invitationId: string,
  userId: string,
  now: Date,
): Promise<number> {
  const result = await trx
    .updateTable("workspace_grants")
    .set({ user_id: userId, invitation_id: null, updated_at: now })
    .where("org_id", "=", orgId)
    .where("invitation_id", "=", invitationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
