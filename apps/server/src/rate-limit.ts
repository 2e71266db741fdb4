import { type Database, prepared } from "@roster/db";
import { type Kysely, type RawBuilder, sql } from "kysely";
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

/** A group of keys counted against one limit (see `consumeRateLimitGroups`). */
export type LimitGroup = Limit & { keys: readonly string[]; cost?: number };

/** A counter as the counting upsert leaves it (its window's start as text when read through JSON). */
export interface CountedKey {
  key: string;
  count: number;
  window_start: Date | string;
}

/**
 * `consumeRateLimits` for several limits over one window length (an organization's budget and
 * each address's), counted in one statement; the first group with a key over its limit refuses.
 */
export async function consumeRateLimitGroups(
  db: Kysely<Database>,
  groups: readonly LimitGroup[],
): Promise<void> {
  const costs = new Map<string, number>();
  for (const g of groups) for (const key of g.keys) costs.set(key, g.cost ?? 1);
  if (costs.size === 0) return;
  const counting = chargeKeys(
    sql`unnest(${[...costs.keys()]}::text[], ${[...costs.values()]}::int[]) as x(k, c)`,
    windowOf(groups),
  );
  const { rows } = await db.executeQuery(prepared(counting.compile(db)));
  refuseOverLimits(groups, rows);
}

/** The window `groups` share (counted together, they must have one length and one `now`). */
export function windowOf(groups: readonly LimitGroup[]): { now: Date; windowStart: Date } {
  const first = groups[0];
  if (!first) throw new Error("No rate limit to count.");
  const { windowSeconds, now } = first;
  if (groups.some((g) => g.windowSeconds !== windowSeconds || g.now.getTime() !== now.getTime())) {
    throw new Error("Rate limits counted together share one window.");
  }
  return { now, windowStart: new Date(now.getTime() - windowSeconds * 1000) };
}

/**
 * The counting upsert: adds each row of `source` (columns `k`, the key, and `c`, the cost) to its
 * key's window, starting a new window where the last one has passed, and returns the counters. A
 * statement of its own (`consumeRateLimitGroups`) or a `WITH` of a larger one.
 */
export function chargeKeys(
  source: RawBuilder<unknown>,
  { now, windowStart }: { now: Date; windowStart: Date },
): RawBuilder<CountedKey> {
  return sql<CountedKey>`insert into rate_limits (key, window_start, count)
    select k, ${now}::timestamptz, c from ${source}
    on conflict (key) do update set
      window_start = case when rate_limits.window_start <= ${windowStart}::timestamptz
        then excluded.window_start else rate_limits.window_start end,
      count = case when rate_limits.window_start <= ${windowStart}::timestamptz
        then excluded.count else rate_limits.count + excluded.count end
    returning key, count, window_start`;
}

/** Refuses, for the first group with a counter over its limit. */
export function refuseOverLimits(groups: readonly LimitGroup[], counted: readonly CountedKey[]): void {
  const byKey = new Map(counted.map((row) => [row.key, row]));
  for (const g of groups) {
    const over = g.keys.map((key) => byKey.get(key)).find((row) => row && row.count > g.limit);
    if (over) refuse(new Date(over.window_start), g);
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
