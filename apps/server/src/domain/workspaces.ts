import type { Database, Workspace } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { findInOrg } from "./org-rows.js";
import { conflictOnUnique } from "./unique-conflicts.js";
import {
  MAX_WORKSPACE_DEPTH,
  requireWorkspacePermission,
  workspaceNotFound,
} from "./workspace-permissions.js";

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

const nameTaken = () =>
  conflict(
    "WORKSPACE_NAME_TAKEN",
    "Another workspace in the same place already has this name. Choose a different name.",
  );

export async function listWorkspaces(deps: Deps, access: OrgAccess): Promise<WorkspaceView[]> {
  const rows = await deps.db
    .selectFrom("workspaces")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy(sql`lower(name)`)
    .orderBy("id")
    .execute();
  return rows.map(toWorkspaceView);
}

export async function findWorkspace(
  db: Kysely<Database>,
  orgId: string,
  workspaceId: string,
): Promise<Workspace> {
  return findInOrg(db, "workspaces", orgId, workspaceId, workspaceNotFound);
}

/** The workspace and the path from the top of the tree down to it. */
export async function getWorkspace(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<WorkspaceView & { path: { id: string; name: string }[] }> {
  const workspace = await findWorkspace(deps.db, access.orgId, input.workspaceId);
  const ancestors = await ancestorChain(deps.db, access.orgId, workspace.id);
  return {
    ...toWorkspaceView(workspace),
    path: ancestors.reverse().map((a) => ({ id: a.id, name: a.name })),
  };
}

/** The workspace itself and then each ancestor, nearest first. */
async function ancestorChain(
  db: Kysely<Database>,
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
async function subtreeHeight(db: Kysely<Database>, orgId: string, workspaceId: string): Promise<number> {
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
  const row = await runTransaction(deps, async (trx) => {
    await lockTree(trx, access.orgId);
    if (parentId) {
      await findWorkspace(trx, access.orgId, parentId).catch(() => {
        throw notFound("PARENT_NOT_FOUND", "The parent workspace does not exist in this organization.");
      });
      if ((await ancestorChain(trx, access.orgId, parentId)).length >= MAX_WORKSPACE_DEPTH) throw tooDeep();
    }
    // Creating a workspace is acting inside its parent (or the organization, at the top).
    await requireWorkspacePermission(trx, access, parentId, "workspaces:manage");
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
    await recordChange(trx, access, now, "workspace.created", ["workspace", row.id], {
      name: row.name,
      parentId,
    });
    return row;
  }).catch(conflictOnUnique({ workspaces_sibling_name_key: nameTaken }));
  return toWorkspaceView(row);
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
  const row = await runTransaction(deps, async (trx) => {
    const moving = input.parentId !== undefined;
    if (moving) await lockTree(trx, access.orgId);
    const current = await findWorkspace(trx, access.orgId, input.workspaceId);
    await requireWorkspacePermission(trx, access, current.id, "workspaces:manage");
    const newParent = input.parentId ?? null;
    const moved = moving && newParent !== current.parent_id;
    if (moved) {
      await requireWorkspacePermission(trx, access, current.parent_id, "workspaces:manage");
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
      await requireWorkspacePermission(trx, access, newParent, "workspaces:manage");
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
    await recordChange(
      trx,
      access,
      now,
      moved ? "workspace.moved" : "workspace.updated",
      ["workspace", row.id],
      {
        changed,
        ...(input.name !== undefined && input.name !== current.name
          ? { from: current.name, to: row.name }
          : {}),
        ...(moved ? { fromParentId: current.parent_id, toParentId: newParent } : {}),
      },
    );
    return row;
  }).catch(conflictOnUnique({ workspaces_sibling_name_key: nameTaken }));
  return toWorkspaceView(row);
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
    await requireWorkspacePermission(trx, access, current.parent_id, "workspaces:manage");
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
    await recordChange(trx, access, now, "workspace.deleted", ["workspace", current.id], {
      name: current.name,
      parentId: current.parent_id,
    });
  });
}
