import { type Kysely, sql } from "kysely";

/**
 * The audit log is read newest first, one keyset page at a time, narrowed to one actor or one
 * target: each filter has an index in page order, so a page reads about a page of rows however
 * long the log is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_events_actor_idx on audit_events (org_id, actor_id, id desc)`.execute(db);
  await sql`create index audit_events_target_idx on audit_events (org_id, target_type, target_id, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_events_target_idx`.execute(db);
  await sql`drop index audit_events_actor_idx`.execute(db);
}
