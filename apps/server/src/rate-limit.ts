import type { Database } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { tooManyRequests } from "./errors.js";

/**
 * Fixed-window counters kept in Postgres, so every server instance shares them. Counting is one
 * atomic upsert: no read-then-write race lets a burst through.
 */
export interface Limit {
  limit: number;
  windowSeconds: number;
  now: Date;
  message: string;
}

function refuse(windowStart: Date, { windowSeconds, now, message }: Limit): never {
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000),
  );
  throw tooManyRequests("RATE_LIMITED", message, { retryAfterSeconds });
}

/**
 * Adds `cost` to each key's window (one statement, however many keys) and refuses once any key
 * passes its limit. Called inside a transaction, a refusal rolls its own counting back too.
 */
export async function consumeRateLimits(
  db: Kysely<Database>,
  keys: readonly string[],
  options: Limit & { cost?: number },
): Promise<void> {
  if (keys.length === 0) return;
  const { windowSeconds, now, limit } = options;
  const cost = options.cost ?? 1;
  const windowStart = new Date(now.getTime() - windowSeconds * 1000);
  const rows = await db
    .insertInto("rate_limits")
    .values([...new Set(keys)].map((key) => ({ key, window_start: now, count: cost })))
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        window_start: sql`case when rate_limits.window_start <= ${windowStart} then ${now} else rate_limits.window_start end`,
        count: sql`case when rate_limits.window_start <= ${windowStart} then ${cost} else rate_limits.count + ${cost} end`,
      }),
    )
    .returning(["count", "window_start"])
    .execute();
  const over = rows.find((row) => row.count > limit);
  if (over) refuse(over.window_start, options);
}

export function consumeRateLimit(db: Kysely<Database>, key: string, options: Limit & { cost?: number }) {
  return consumeRateLimits(db, [key], options);
}

/**
 * Refuses when `key` has already reached its limit in the current window, without counting this
 * attempt. For limits on failures: check first, count only what fails (`countFailure`).
 */
export async function assertUnderLimit(db: Kysely<Database>, key: string, options: Limit): Promise<void> {
  const windowStart = new Date(options.now.getTime() - options.windowSeconds * 1000);
  const row = await db
    .selectFrom("rate_limits")
    .select(["count", "window_start"])
    .where("key", "=", key)
    .where("window_start", ">", windowStart)
    .executeTakeFirst();
  if (row && row.count >= options.limit) refuse(row.window_start, options);
}

/** Counts one failure against each key, without refusing (the next `assertUnderLimit` does). */
export async function countFailure(
  db: Kysely<Database>,
  keys: readonly string[],
  options: { windowSeconds: number; now: Date },
): Promise<void> {
  await consumeRateLimits(db, keys, { ...options, limit: Number.MAX_SAFE_INTEGER, message: "" });
}

export async function clearRateLimit(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom("rate_limits").where("key", "=", key).execute();
}
