import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "./deps.js";

/**
 * The one way domain code opens a transaction, so that every change shares the same handling.
 * Anything outside the database (waking the outbox, sending) happens after this returns.
 */
export function runTransaction<T>(
  deps: Pick<Deps, "db">,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return deps.db.transaction().execute(fn);
}
