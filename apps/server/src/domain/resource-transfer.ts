import type { Resource } from "@roster/db";
import type { Deps } from "../deps.js";
import type { OrgAccess } from "./access.js";
import {
  changeResource,
  type ResourceChange,
  type ResourceView,
  requireActiveMember,
  requireOwnerOrManage,
} from "./resources.js";

/**
 * `resource.transferred`, the one record of a resource changing hands: asked for (`transferResource`)
 * or done because its owner went (`handOverResources`, which says why in `reason`).
 */
export function resourceTransferred(from: string | null, row: Resource, reason?: string): ResourceChange {
  return {
    action: "resource.transferred",
    data: { from, to: row.owner_id, ...(reason !== undefined ? { reason } : {}) },
  };
}

/** Gives a resource to another active member: its owner may, or anyone with resources:manage where it lives. */
export function transferResource(
  deps: Deps,
  access: OrgAccess,
  input: { resourceId: string; toUserId: string },
): Promise<ResourceView> {
  return changeResource(deps, access, input.resourceId, async (trx, current) => {
    await requireOwnerOrManage(trx, access, current);
    if (current.owner_id === input.toUserId) return null;
    await requireActiveMember(trx, access.orgId, input.toUserId);
    return {
      set: { owner_id: input.toUserId },
      change: (row) => resourceTransferred(current.owner_id, row),
    };
  });
}
