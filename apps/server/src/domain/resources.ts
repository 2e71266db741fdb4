import type { Database, Resource, ResourceState, ResourcesTable } from "@roster/db";
import { type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { decodeCursor, keysetPage } from "./cursors.js";
import { lockActiveMember } from "./locks.js";
import { findInOrg } from "./org-rows.js";
import type { Permission } from "./permissions.js";
import { chargeRunningTime, requireCreditsToStart, startedNow } from "./resource-running.js";
import { likePrefix } from "./search.js";
import {
  MAX_WORKSPACE_DEPTH,
  requireWorkspacePermission,
  workspacesGrantingSql,
} from "./workspace-permissions.js";
import { findWorkspace } from "./workspaces.js";

/**
 * Resources are what the host product shares inside an organization (the reference app's
 * clusters). Each has an owner and optionally a workspace; every check happens at the workspace's
 * scope (organization role plus grants on the workspace or its ancestors).
 *
 * States: running ⇄ stopped, either → terminated (final).
 */
export interface ResourceView {
  id: string;
  orgId: string;
  type: string;
  name: string;
  state: ResourceState;
  workspaceId: string | null;
  owner: { id: string; name: string; email: string } | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export type ResourceAction = "start" | "stop" | "terminate";

const TRANSITIONS: Record<ResourceAction, { from: ResourceState[]; to: ResourceState }> = {
  start: { from: ["stopped"], to: "running" },
  stop: { from: ["running"], to: "stopped" },
  terminate: { from: ["running", "stopped"], to: "terminated" },
};

const resourceNotFound = () =>
  notFound("RESOURCE_NOT_FOUND", "This resource does not exist in this organization.");

function baseQuery(db: Deps["db"] | Transaction<Database>, orgId: string) {
  return db
    .selectFrom("resources as r")
    .leftJoin("users as u", "u.id", "r.owner_id")
    .selectAll("r")
    .select(["u.name as owner_name", "u.email as owner_email"])
    .where("r.org_id", "=", orgId);
}

type Row = Resource & { owner_name: string | null; owner_email: string | null };

function toView(r: Row): ResourceView {
  return {
    id: r.id,
    orgId: r.org_id,
    type: r.type,
    name: r.name,
    state: r.state,
    workspaceId: r.workspace_id,
    owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? "", email: r.owner_email ?? "" } : null,
    metadata: r.metadata,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** What webhook receivers and the audit log learn about a resource. */
export function resourceSummary(r: Resource) {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    state: r.state,
    workspaceId: r.workspace_id,
    ownerId: r.owner_id,
  };
}

export async function fetchResourceView(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<ResourceView> {
  const row = await baseQuery(db, orgId).where("r.id", "=", id).executeTakeFirst();
  if (!row) throw resourceNotFound();
  return toView(row);
}

export async function lockResource(trx: Transaction<Database>, orgId: string, id: string): Promise<Resource> {
  return findInOrg(trx, "resources", orgId, id, resourceNotFound, { forUpdate: true });
}

/** The owner may change their own resource; anyone else needs resources:manage where it lives. */
export async function requireOwnerOrManage(
  trx: Transaction<Database>,
  access: OrgAccess,
  resource: Resource,
): Promise<void> {
  if (resource.owner_id === access.actor.userId) return;
  await requireWorkspacePermission(trx, access, resource.workspace_id, "resources:manage");
}

/** What a change to a resource is recorded as: an action and what changed (the resource itself is added). */
export interface ResourceChange {
  action: string;
  data?: Record<string, unknown>;
}

/**
 * The audit entry, and so the webhook event, of a change to a resource: what changed and the
 * resource as it is after the change (before it, for a deletion).
 */
export function recordResourceChange(
  trx: Transaction<Database>,
  access: OrgAccess,
  row: Resource,
  change: ResourceChange,
  now: Date,
): Promise<void> {
  const data = { ...change.data, resource: resourceSummary(row) };
  return recordChange(trx, access, now, change.action, ["resource", row.id], data);
}

/**
 * One change to one resource: locks it, lets `decide` check the caller and the state and say what to
 * write (or null: nothing to do), writes it, records it, and answers the resource as it now is.
 */
export async function changeResource(
  deps: Deps,
  access: OrgAccess,
  resourceId: string,
  decide: (
    trx: Transaction<Database>,
    current: Resource,
  ) => Promise<{ set: Updateable<ResourcesTable>; change: (row: Resource) => ResourceChange } | null>,
): Promise<ResourceView> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const current = await lockResource(trx, access.orgId, resourceId);
    const decided = await decide(trx, current);
    if (!decided) return;
    const row = await trx
      .updateTable("resources")
      .set({ ...decided.set, updated_at: now })
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordResourceChange(trx, access, row, decided.change(row), now);
  });
  return fetchResourceView(deps.db, access.orgId, resourceId);
}

export async function requireActiveMember(
  trx: Transaction<Database>,
  orgId: string,
  userId: string,
): Promise<void> {
  if (!(await lockActiveMember(trx, orgId, userId))) {
    throw badRequest(
      "INVALID_OWNER",
      "A resource can only be owned by an active member of this organization.",
    );
  }
}

export interface ListResourcesInput {
  cursor?: string | undefined;
  limit?: number | undefined;
  type?: string | undefined;
  workspaceId?: string | undefined;
  /** With `workspaceId`: also resources in its sub-workspaces, at any depth. */
  includeSubWorkspaces?: boolean | undefined;
  ownerId?: string | undefined;
  state?: ResourceState | undefined;
  search?: string | undefined;
}

/**
 * Resources newest first, one keyset page at a time. A caller with resources:read in the
 * organization sees all of them; anyone else sees those in workspaces where a grant gives it.
 */
export async function listResources(
  deps: Deps,
  access: OrgAccess,
  input: ListResourcesInput,
): Promise<{ items: ResourceView[]; nextCursor: string | null }> {
  const limit = input.limit ?? 50;
  const cursor = decodeCursor(input.cursor);
  const read: Permission = "resources:read";
  const everywhere = access.permissions.has(read);
  const search = likePrefix(input.search);
  const rows = await baseQuery(deps.db, access.orgId)
    .$if(!everywhere, (q) =>
      q.where(
        sql<boolean>`r.workspace_id in ${workspacesGrantingSql(access.orgId, access.actor.userId, read)}`,
      ),
    )
    .$if(input.workspaceId !== undefined && !input.includeSubWorkspaces, (q) =>
      q.where("r.workspace_id", "=", input.workspaceId as string),
    )
    .$if(input.workspaceId !== undefined && input.includeSubWorkspaces === true, (q) =>
      q.where(
        sql<boolean>`r.workspace_id in (
          with recursive below as (
            select w.id, 0 as depth from workspaces w where w.id = ${input.workspaceId} and w.org_id = ${access.orgId}
            union all
            select c.id, b.depth + 1 from workspaces c join below b on c.parent_id = b.id
            where c.org_id = ${access.orgId} and b.depth < ${MAX_WORKSPACE_DEPTH}
          )
          select id from below
        )`,
      ),
    )
    .$if(input.type !== undefined, (q) => q.where("r.type", "=", input.type as string))
    .$if(input.ownerId !== undefined, (q) => q.where("r.owner_id", "=", input.ownerId as string))
    .$if(input.state !== undefined, (q) => q.where("r.state", "=", input.state as ResourceState))
    .$if(search !== undefined, (q) => q.where(sql`lower(r.name)`, "like", search as string))
    .$if(cursor !== null, (q) =>
      q.where((eb) => eb(eb.refTuple("r.created_at", "r.id"), "<", eb.tuple(cursor!.createdAt, cursor!.id))),
    )
    .orderBy("r.created_at", "desc")
    .orderBy("r.id", "desc")
    .limit(limit + 1)
    .execute();
  const { page, nextCursor } = keysetPage(rows, limit);
  return {
    items: page.map(toView),
    nextCursor,
  };
}

export async function getResource(
  deps: Deps,
  access: OrgAccess,
  input: { resourceId: string },
): Promise<ResourceView> {
  const view = await fetchResourceView(deps.db, access.orgId, input.resourceId);
  await requireWorkspacePermission(deps.db, access, view.workspaceId, "resources:read");
  return view;
}

/** Renames, re-describes or moves a resource to another workspace (or out of any). */
export function updateResource(
  deps: Deps,
  access: OrgAccess,
  input: {
    resourceId: string;
    name?: string | undefined;
    metadata?: Record<string, unknown> | undefined;
    workspaceId?: string | null | undefined;
  },
): Promise<ResourceView> {
  return changeResource(deps, access, input.resourceId, async (trx, current) => {
    await requireOwnerOrManage(trx, access, current);
    const moving = input.workspaceId !== undefined && input.workspaceId !== current.workspace_id;
    if (moving && input.workspaceId) {
      await findWorkspace(trx, access.orgId, input.workspaceId);
      await requireWorkspacePermission(trx, access, input.workspaceId, "resources:create");
    } else if (moving) {
      await requireWorkspacePermission(trx, access, null, "resources:create");
    }
    return {
      set: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.metadata !== undefined ? { metadata: JSON.stringify(input.metadata) } : {}),
        ...(moving ? { workspace_id: input.workspaceId ?? null } : {}),
      },
      change: (row) => ({
        action: "resource.updated",
        data: {
          changed: Object.keys(input).filter((k) => k !== "resourceId" && k !== "orgId"),
          ...(moving ? { fromWorkspaceId: current.workspace_id, toWorkspaceId: row.workspace_id } : {}),
        },
      }),
    };
  });
}

/** start (stopped → running), stop (running → stopped), terminate (→ terminated, final). */
export function operateResource(
  deps: Deps,
  access: OrgAccess,
  input: { resourceId: string; action: ResourceAction },
): Promise<ResourceView> {
  const now = deps.clock();
  return changeResource(deps, access, input.resourceId, async (trx, current) => {
    await requireWorkspacePermission(trx, access, current.workspace_id, "resources:operate");
    const transition = TRANSITIONS[input.action];
    if (current.state === "terminated") {
      throw conflict(
        "RESOURCE_TERMINATED",
        "This resource was terminated. Termination is final: register a new resource instead.",
        { state: current.state, action: input.action },
      );
    }
    if (!transition.from.includes(current.state)) {
      throw conflict(
        "INVALID_STATE_TRANSITION",
        `This resource is already ${current.state}, so it cannot be ${input.action === "start" ? "started" : "stopped"}.`,
        { state: current.state, action: input.action },
      );
    }
    if (transition.to === "running") await requireCreditsToStart(deps, trx, access.orgId);
    const charged = await chargeRunningTime(deps, trx, access, current, now);
    return {
      set:
        transition.to === "running"
          ? { state: "running", ...startedNow(access, now) }
          : { state: transition.to, running_since: null },
      change: (row) => ({
        action: "resource.state_changed",
        data: {
          from: current.state,
          to: row.state,
          action: input.action,
          ...(charged ? { chargedTo: charged.chargedTo, chargedAs: charged.as, hours: charged.hours } : {}),
        },
      }),
    };
  });
}

export async function deleteResource(
  deps: Deps,
  access: OrgAccess,
  input: { resourceId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const current = await lockResource(trx, access.orgId, input.resourceId);
    await requireOwnerOrManage(trx, access, current);
    await trx.deleteFrom("resources").where("id", "=", current.id).execute();
    await recordResourceChange(trx, access, current, { action: "resource.deleted" }, now);
  });
}

/** The resources of this organization among `resourceIds`, with their workspace and owner. */
export async function resourcesForUsage(
  trx: Transaction<Database>,
  orgId: string,
  resourceIds: string[],
): Promise<Map<string, { workspaceId: string | null; ownerId: string | null }>> {
  if (resourceIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom("resources")
    .select(["id", "workspace_id", "owner_id"])
    .where("org_id", "=", orgId)
    .where("id", "in", resourceIds)
    .execute();
  return new Map(rows.map((r) => [r.id, { workspaceId: r.workspace_id, ownerId: r.owner_id }]));
}
