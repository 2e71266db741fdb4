import { type Kysely, sql } from "kysely";

/**
 * Finer statistics for members.list's prefix search. With the default 100 histogram buckets the
 * planner's estimate for `lower(email) like 'm4242%'` swung between runs of ANALYZE, and when it
 * guessed high it walked an organization's members newest first looking for the few matches: all
 * 100,000 of them, 750 ms instead of 0.2 ms (apps/server/test/explain.test.ts, "search" cases).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index users_name_prefix_idx alter column 1 set statistics 1000`.execute(db);
  await sql`alter index users_email_prefix_idx alter column 1 set statistics 1000`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index users_email_prefix_idx alter column 1 set statistics -1`.execute(db);
  await sql`alter index users_name_prefix_idx alter column 1 set statistics -1`.execute(db);
}
