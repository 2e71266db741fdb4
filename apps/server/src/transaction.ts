import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "./deps.js";
import { RosterError } from "./errors.js";

/** Attempts per transaction when Postgres aborts it for a deadlock or a serialization failure. */
export const TRANSACTION_ATTEMPTS = 5;

/** SQLSTATEs after which running the whole transaction again is safe and usually succeeds. */
const RETRYABLE = new Set(["40001", "40P01"]);

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}

/**
 * The one way domain code opens a transaction. Postgres may abort a transaction that lost a
 * deadlock (40P01) or a serialization check (40001); nothing of it was committed, so it is run
 * again from the start, up to TRANSACTION_ATTEMPTS times with a short jittered pause. `fn` must
 * therefore only touch the database: anything outside it (waking the outbox, sending) happens
 * after this returns, once the transaction has committed. When every attempt was aborted, the
 * caller is told TRY_AGAIN (503): nothing was changed, and the same request may simply be sent again.
 */
export async function runTransaction<T>(
  deps: Pick<Deps, "db" | "logger">,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction().execute(fn);
    } catch (error) {
      if (!isRetryableTransactionError(error)) throw error;
      if (attempt >= TRANSACTION_ATTEMPTS) {
        deps.logger.warn("transaction aborted by the database on every attempt", {
          code: (error as { code: string }).code,
          attempts: attempt,
        });
        throw new RosterError(
          "SERVICE_UNAVAILABLE",
          "TRY_AGAIN",
          "Too many changes to the same data at once; nothing was changed. Try again.",
        );
      }
      deps.logger.warn("transaction aborted by the database; running it again", {
        code: (error as { code: string }).code,
        detail: (error as { detail?: string }).detail,
        attempt,
      });
      // Jitter, so the transactions that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20 * attempt));
    }
  }
}
