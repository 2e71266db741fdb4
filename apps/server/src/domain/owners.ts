import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { lockOrganization } from "./locks.js";

/**
 * Locks the organization's active owners and returns their ids. Every change that can take away an
 * owner (demote, deactivate, remove, leave, transfer) takes this lock first, so racing requests run
 * one after another and each sees the owners the previous one left. The organization's row is
 * locked first: many requests queueing on one row wait in line, where queueing on several owner
 * rows at once can form a cycle that Postgres breaks as a deadlock. (`FOR NO KEY UPDATE`: workspace
 * grants and group members reference memberships, and their foreign-key checks must not wait here.)
 */
export async function lockActiveOwners(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
): Promise<Set<string>> {
  await lockOrganization(deps, trx, orgId);
  const rows = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("org_id", "=", orgId)
    .where("role", "=", "owner")
    .where("status", "=", "active")
    // Sorted, so that two transactions lock the owners' rows in the same order and never in a cycle.
    .orderBy("user_id")
    .forNoKeyUpdate()
    .execute();
  await deps.afterLock?.("owners", orgId);
  return new Set(rows.map((r) => r.user_id));
}

/** Refuses a change that would leave no active owner. */
export function assertOwnersRemain(owners: Set<string>, losing: Iterable<string>): void {
  const remaining = new Set(owners);
  for (const id of losing) remaining.delete(id);
  if (remaining.size === 0) {
    throw conflict(
      "LAST_OWNER",
      "An organization must keep at least one active owner. Make someone else an owner first.",
    );
  }
}
