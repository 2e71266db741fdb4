import type { Deps } from "../deps.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import {
  fetchResourceView,
  lockResource,
  type ResourceView,
  requireActiveMember,
  requireOwnerOrManage,
  resourceSummary,
} from "./resources.js";

/** Gives a resource to another active member: its owner may, or anyone with resources:manage where it lives. */
export async function transferResource(
  deps: Deps,
  access: OrgAccess,
  input: { resourceId: string; toUserId: string },
): Promise<ResourceView> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const current = await lockResource(trx, access.orgId, input.resourceId);
    await requireOwnerOrManage(trx, access, current);
    if (current.owner_id === input.toUserId) return;
    await requireActiveMember(trx, access.orgId, input.toUserId);
    const row = await trx
      .updateTable("resources")
      .set({ owner_id: input.toUserId, updated_at: now })
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(
      trx,
      access,
      {
        action: "resource.transferred",
        targetType: "resource",
        targetId: row.id,
        data: { from: current.owner_id, to: row.owner_id, resource: resourceSummary(row) },
      },
      now,
    );
  });
  return fetchResourceView(deps.db, access.orgId, input.resourceId);
}
