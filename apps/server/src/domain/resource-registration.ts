import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { requireCreditsToStart, startedNow } from "./resource-running.js";
import {
  fetchResourceView,
  type ResourceView,
  recordResourceChange,
  requireActiveMember,
} from "./resources.js";
import { requireWorkspacePermission } from "./workspace-permissions.js";
import { findWorkspace } from "./workspaces.js";

/**
 * Creates a resource. With an idempotency key, a retry (a double click, a request sent again after
 * a lost answer) returns the resource the first request created instead of making another; the
 * key is unique per organization, so concurrent retries wait for the first and find its row.
 */
export async function registerResource(
  deps: Deps,
  access: OrgAccess,
  input: {
    type: string;
    name: string;
    workspaceId?: string | null | undefined;
    ownerId?: string | undefined;
    state?: "running" | "stopped" | undefined;
    metadata?: Record<string, unknown> | undefined;
    idempotencyKey?: string | undefined;
  },
): Promise<ResourceView> {
  const now = deps.clock();
  const workspaceId = input.workspaceId ?? null;
  const ownerId = input.ownerId ?? access.actor.userId;
  const id = await runTransaction(deps, async (trx) => {
    if (workspaceId) await findWorkspace(trx, access.orgId, workspaceId);
    await requireWorkspacePermission(trx, access, workspaceId, "resources:create");
    if (ownerId !== access.actor.userId) {
      await requireWorkspacePermission(trx, access, workspaceId, "resources:manage");
    }
    await requireActiveMember(trx, access.orgId, ownerId);
    const running = (input.state ?? "running") === "running";
    if (running) await requireCreditsToStart(deps, trx, access.orgId);
    const row = await trx
      .insertInto("resources")
      .values({
        org_id: access.orgId,
        owner_id: ownerId,
        workspace_id: workspaceId,
        type: input.type,
        name: input.name,
        state: running ? "running" : "stopped",
        ...(running ? startedNow(access, now) : {}),
        metadata: JSON.stringify(input.metadata ?? {}),
        idempotency_key: input.idempotencyKey ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.constraint("resources_idempotency_key").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return replayedResource(trx, access.orgId, input.idempotencyKey as string, input, workspaceId);
    await recordResourceChange(trx, access, row, { action: "resource.created" }, now);
    return row.id;
  });
  return fetchResourceView(deps.db, access.orgId, id);
}

/** The resource an earlier request with the same key created; a key reused for something else is refused. */
async function replayedResource(
  trx: Transaction<Database>,
  orgId: string,
  idempotencyKey: string,
  input: { type: string; name: string },
  workspaceId: string | null,
): Promise<string> {
  const first = await trx
    .selectFrom("resources")
    .select(["id", "type", "name", "workspace_id"])
    .where("org_id", "=", orgId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirstOrThrow();
  if (first.type !== input.type || first.name !== input.name || first.workspace_id !== workspaceId) {
    throw conflict(
      "IDEMPOTENCY_KEY_REUSED",
      "This idempotency key already created a different resource. Send a new key for a new resource.",
    );
  }
  return first.id;
}
