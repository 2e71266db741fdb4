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
  await consumeRateLimitGroups(db, [{ keys, ...options }]);
}

/**
 * `consumeRateLimits` for several limits over one window length (an organization's budget and
 * each address's), counted in one statement; the first group with a key over its limit refuses.
 */
export async function consumeRateLimitGroups(
  db: Kysely<Database>,
  groups: readonly (Limit & { keys: readonly string[]; cost?: number })[],
): Promise<void> {
  const first = groups[0];
  if (!first) return;
  const { windowSeconds, now } = first;
  if (groups.some((g) => g.windowSeconds !== windowSeconds || g.now.getTime() !== now.getTime())) {
    throw new Error("Rate limits counted together share one window.");
  }
  const costs = new Map<string, number>();
  for (const g of groups) for (const key of g.keys) costs.set(key, g.cost ?? 1);
  if (costs.size === 0) return;
  const windowStart = new Date(now.getTime() - windowSeconds * 1000);
  const rows = await db
    .insertInto("rate_limits")
    .values([...costs].map(([key, count]) => ({ key, window_start: now, count })))
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        window_start: sql`case when rate_limits.window_start <= ${windowStart} then ${now} else rate_limits.window_start end`,
        count: sql`case when rate_limits.window_start <= ${windowStart} then excluded.count else rate_limits.count + excluded.count end`,
      }),
    )
    .returning(["key", "count", "window_start"])
    .execute();
  const counted = new Map(rows.map((row) => [row.key, row]));
  for (const g of groups) {
    const over = g.keys.map((key) => counted.get(key)).find((row) => row && row.count > g.limit);
    if (over) refuse(over.window_start, g);
  }
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
