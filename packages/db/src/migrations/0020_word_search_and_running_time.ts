import { type Kysely, sql } from "kysely";

/**
 * Running time charged to the right person: a resource remembers since when it runs and who
 * started it, so the server charges the time to its owner (or, without one, to whoever started it)
 * when it stops, whoever presses Stop.
 *
 * Member search by any word (apps/server/src/domain/search.ts):
 * - Open invitations are searched by the words of their address, as people are (users_words_idx,
 *   migration 0014): a GIN index over those words, for pending invitations only. `wordsOf` in the
 *   server repeats this expression, or Postgres would not use the index.
 * - Finer statistics for both word indexes. With the default target, addresses' words are too rare
 *   to be among the most common ones, so a search for one ("m4242") was estimated at 0.5% of all
 *   people and planned as a walk through the organization's members newest first: 100,000 rows and
 *   900 ms instead of 3 ms through the index (apps/server/test/explain.test.ts, "search" cases).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("resources")
    .addColumn("running_since", "timestamptz")
    .addColumn("started_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await sql`update resources set running_since = updated_at where state = 'running'`.execute(db);
  await sql`create index invitations_pending_words_idx on invitations using gin (to_tsvector('simple'::regconfig, regexp_replace(lower(email), '[^[:alnum:]]+', ' ', 'g'))) where status = 'pending'`.execute(
    db,
  );
  await sql`alter index users_words_idx alter column 1 set statistics 1000`.execute(db);
  await sql`alter index invitations_pending_words_idx alter column 1 set statistics 1000`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index users_words_idx alter column 1 set statistics -1`.execute(db);
  await sql`drop index invitations_pending_words_idx`.execute(db);
  await db.schema.alterTable("resources").dropColumn("started_by").dropColumn("running_since").execute();
}
