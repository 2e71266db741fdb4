import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import { badRequest, conflict } from "../errors.js";
import type { OrgAccess } from "./access.js";
import { lockActiveMember } from "./locks.js";
import { resourceTransferred } from "./resource-transfer.js";
import { recordResourceChange } from "./resources.js";

/**
 * Hands every resource owned by members who are going (removed, leaving, a deleted service account)
 * to `transferTo`, in the caller's transaction, before their memberships go. Owners of resources
 * need an heir (TRANSFER_REQUIRED names each owner and how many); the heir is an active member who
 * is not going. Each hand-over is audited, and so published as `resource.transferred`.
 */
export async function handOverResources(
  trx: Transaction<Database>,
  access: OrgAccess,
  going: string[],
  transferTo: string | undefined,
  why: { action: string; transferRequired: string },
  now: Date,
): Promise<number> {
  const owned = await trx
    .selectFrom("resources")
    .select(["owner_id", trx.fn.countAll<string>().as("n")])
    .where("org_id", "=", access.orgId)
    .where("owner_id", "in", going)
    .groupBy("owner_id")
    .execute();
  if (owned.length === 0) return 0;
  if (!transferTo) {
    throw conflict("TRANSFER_REQUIRED", why.transferRequired, {
      owners: owned.map((o) => ({ userId: o.owner_id, resources: Number(o.n) })),
    });
  }
  if (going.includes(transferTo)) {
    throw badRequest("INVALID_TRANSFER_TARGET", "Resources cannot go to a member who is being removed.");
  }
  if (!(await lockActiveMember(trx, access.orgId, transferTo))) {
    throw badRequest(
      "INVALID_TRANSFER_TARGET",
      "Resources can only go to an active member of this organization.",
    );
  }
  const previous = await trx
    .selectFrom("resources")
    .select(["id", "owner_id"])
    .where("org_id", "=", access.orgId)
    .where("owner_id", "in", going)
    .orderBy("id")
    .forUpdate()
    .execute();
  const moved = await trx
    .updateTable("resources")
    .set({ owner_id: transferTo, updated_at: now })
    .where(
      "id",
      "in",
      previous.map((r) => r.id),
    )
    .returningAll()
    .execute();
  const from = new Map(previous.map((r) => [r.id, r.owner_id]));
  // Products that track ownership hear of every hand-over, as with resources.transfer.
  for (const row of moved) {
    await recordResourceChange(
      trx,
      access,
      row,
      resourceTransferred(from.get(row.id) ?? null, row, why.action),
      now,
    );
  }
  return moved.length;
}
