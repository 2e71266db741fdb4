import { type Kysely, sql } from "kysely";

/**
 * Two things people do in the web app and the widgets:
 * - Retrying a creation (a double click, a request resent after a lost answer) must not make a
 *   second resource: a resource remembers the idempotency key it was created with, unique in its
 *   organization, so the retry finds the first one.
 * - Searching members by any word of a name or address ("chen" finds "Carol Chen", a domain finds
 *   its people): a GIN index over the words of the name and the address, matched by word prefix.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("resources").addColumn("idempotency_key", "text").execute();
  await sql`alter table resources add constraint resources_idempotency_key unique (org_id, idempotency_key)`.execute(
    db,
  );
  await sql`create index users_words_idx on users using gin (${sql.raw(USER_WORDS)})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_words_idx`.execute(db);
  await db.schema.alterTable("resources").dropConstraint("resources_idempotency_key").execute();
  await db.schema.alterTable("resources").dropColumn("idempotency_key").execute();
}

/**
 * The words of a person's name and address, as the member search matches them. The server's
 * query (`wordsOf` in apps/server/src/domain/search.ts) repeats this expression exactly, or
 * Postgres would not use the index.
 */
const USER_WORDS = `to_tsvector('simple'::regconfig, regexp_replace(lower(coalesce(name, '') || ' ' || email), '[^[:alnum:]]+', ' ', 'g'))`;
