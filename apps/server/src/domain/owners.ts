import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";

/**
 * Locks the organization's active owners and returns their ids. Every change that can take away an
 * owner (demote, deactivate, remove, leave, transfer) takes this lock first, so racing requests run
 * one after another and each sees the owners the previous one left. (`FOR NO KEY UPDATE`: workspace
 * grants and group members reference memberships, and their foreign-key checks must not wait here.)
 */
export async function lockActiveOwners(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("org_id", "=", orgId)
    .where("role", "=", "owner")
    .where("status", "=", "active")
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
