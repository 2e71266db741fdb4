import type { Deps } from "../deps.js";
import { badRequest, forbidden } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { lockActiveOwners } from "./owners.js";

/**
 * One atomic step: the new owner gains `owner` and the caller becomes `admin`. Both rows change in
 * one transaction, so no concurrent reader ever sees the organization without an owner.
 */
export async function transferOwnership(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string },
): Promise<void> {
  if (access.role !== "owner") {
    throw forbidden("OWNER_REQUIRED", "Only an owner can transfer ownership of the organization.");
  }
  if (input.userId === access.actor.userId) {
    throw badRequest("ALREADY_OWNER", "You already own this organization. Choose another member.");
  }
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    await lockActiveOwners(deps, trx, access.orgId);
    const target = await trx
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.status", "m.role", "u.kind"])
      .where("m.org_id", "=", access.orgId)
      .where("m.user_id", "=", input.userId)
      .forUpdate("m")
      .executeTakeFirst();
    if (!target) throw badRequest("NOT_A_MEMBER", "Ownership can only go to a member of this organization.");
    if (target.status !== "active" || target.kind !== "person") {
      throw badRequest("INVALID_NEW_OWNER", "Ownership can only go to an active member who is a person.");
    }
    const caller = await trx
      .updateTable("memberships")
      .set({ role: "admin", updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", access.actor.userId)
      .where("role", "=", "owner")
      .where("status", "=", "active")
      .returning("user_id")
      .executeTakeFirst();
    if (!caller)
      throw forbidden("OWNER_REQUIRED", "Only an owner can transfer ownership of the organization.");
    await trx
      .updateTable("memberships")
      .set({ role: "owner", updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", input.userId)
      .execute();
    await recordChange(trx, access, now, "org.ownership_transferred", ["user", input.userId], {
      previousRole: target.role,
    });
  });
}
