import type { Database } from "@roster/db";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { addSeconds } from "../clock.js";

/** How long finished or expired rows are kept before the worker deletes them. */
export interface Retention {
  /** Sent outbox messages (default 7 days after sending). */
  sentSeconds: number;
  /** Outbox messages given up as dead, kept longer for inspection (default 30 days after creation). */
  deadSeconds: number;
  /** Expired email tokens, kept a while so a late click is told "expired" rather than "not valid" (7 days). */
  emailTokenSeconds: number;
  /** Rate-limit windows; the longest window is an hour, so a day-old row counts for nothing (1 day). */
  rateLimitSeconds: number;
  /** Events in the feed (EVENT_RETENTION_DAYS, default 30 days). */
  eventSeconds: number;
}

const DAY = 24 * 60 * 60;
export const DEFAULT_RETENTION: Retention = {
  sentSeconds: 7 * DAY,
  deadSeconds: 30 * DAY,
  emailTokenSeconds: 7 * DAY,
  rateLimitSeconds: DAY,
  eventSeconds: 30 * DAY,
};

export interface PruneOptions {
  retention?: Partial<Retention>;
  /** Rows per DELETE (default 1000): short statements, short row locks. */
  batchSize?: number;
  /** DELETEs per table per run (default 20); what is left waits for the next run. */
  maxBatches?: number;
}

type Target = { table: keyof Database & string; where: RawBuilder<unknown> };

/**
 * Deletes expired sessions, stale rate-limit windows, long-expired email tokens, old outbox rows
 * and events past their retention, in bounded batches (`ctid in (… limit n)`), skipping rows another instance holds.
 * Returns how many rows went from each table.
 */
export async function pruneExpired(
  db: Kysely<Database>,
  now: Date,
  options: PruneOptions = {},
): Promise<Record<string, number>> {
  const r = { ...DEFAULT_RETENTION, ...options.retention };
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 20;
  const before = (seconds: number) => addSeconds(now, -seconds);
  const targets: Target[] = [
    { table: "sessions", where: sql`expires_at < ${now}` },
    { table: "rate_limits", where: sql`window_start < ${before(r.rateLimitSeconds)}` },
    { table: "email_tokens", where: sql`expires_at < ${before(r.emailTokenSeconds)}` },
    { table: "outbox", where: sql`status = 'sent' and sent_at < ${before(r.sentSeconds)}` },
    { table: "outbox", where: sql`status = 'dead' and created_at < ${before(r.deadSeconds)}` },
    { table: "events", where: sql`created_at < ${before(r.eventSeconds)}` },
  ];
  const counts: Record<string, number> = {};
  for (const { table, where } of targets) {
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const result = await sql`delete from ${sql.table(table)} where ctid in (
        select ctid from ${sql.table(table)} where ${where} limit ${batchSize} for update skip locked
      )`.execute(db);
      const deleted = Number(result.numAffectedRows ?? 0n);
      counts[table] = (counts[table] ?? 0) + deleted;
      if (deleted < batchSize) break;
    }
  }
  return counts;
}
