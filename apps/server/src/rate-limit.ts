import type { Database } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { tooManyRequests } from "./errors.js";

/**
 * Fixed-window counter kept in Postgres, so every server instance shares it. One atomic upsert:
 * no read-then-write race lets a burst through.
 */
export async function consumeRateLimit(
  db: Kysely<Database>,
  key: string,
  options: { limit: number; windowSeconds: number; now: Date; message: string },
): Promise<void> {
  const { limit, windowSeconds, now, message } = options;
  const windowStart = new Date(now.getTime() - windowSeconds * 1000);
  const row = await db
    .insertInto("rate_limits")
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        window_start: sql`case when rate_limits.window_start <= ${windowStart} then ${now} else rate_limits.window_start end`,
        count: sql`case when rate_limits.window_start <= ${windowStart} then 1 else rate_limits.count + 1 end`,
      }),
    )
    .returning(["count", "window_start"])
    .executeTakeFirstOrThrow();
  if (row.count > limit) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((row.window_start.getTime() + windowSeconds * 1000 - now.getTime()) / 1000),
    );
    throw tooManyRequests("RATE_LIMITED", message, { retryAfterSeconds });
  }
}
