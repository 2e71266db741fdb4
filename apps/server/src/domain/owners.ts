import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import { conflict } from "../errors.js";

/**
 * Locks the organization's active owners (FOR UPDATE) and returns their ids. Every change that can
 * take away an owner (demote, deactivate, remove, leave, transfer) takes this lock first, so racing
 * requests run one after another and each sees the owners the previous one left.
 */
export async function lockActiveOwners(trx: Transaction<Database>, orgId: string): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("org_id", "=", orgId)
    .where("role", "=", "owner")
    .where("status", "=", "active")
    .forUpdate()
    .execute();
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
