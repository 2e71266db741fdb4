import { type Kysely, sql } from "kysely";

/**
 * The events feed: every published event, kept for EVENT_RETENTION_DAYS. Rows are read in the
 * order (xid, seq): `xid` is the writing transaction's id, and a reader only returns events whose
 * transaction is older than the oldest one still running, so an event committed late by a slow
 * transaction is never behind a reader's cursor. No foreign key to the organization: the
 * `organization.deleted` event outlives it.
 *
 * Invitations remember which expiry was published (`invitation.expired`, by the worker): an
 * invitation renewed later expires, and is published, again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("events")
    .addColumn("seq", "bigserial", (c) => c.primaryKey())
    .addColumn("id", "uuid", (c) => c.notNull().unique())
    .addColumn("xid", sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    // The oldest transaction running when it was written: a reader resuming from this event by its
    // id also gets the events of transactions that overlapped it (they may sort before it).
    .addColumn("overlap_xid", sql`xid8`, (c) =>
      c.notNull().defaultTo(sql`pg_snapshot_xmin(pg_current_snapshot())`),
    )
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index events_org_order_idx on events (org_id, xid, seq)`.execute(db);
  await sql`create index events_order_idx on events (xid, seq)`.execute(db);
  await sql`create index events_created_at_idx on events (created_at)`.execute(db);

  await db.schema.alterTable("invitations").addColumn("expiry_published_at", "timestamptz").execute();
  await sql`create index invitations_unpublished_expiry_idx on invitations (expires_at)
    where status = 'pending' and expiry_published_at is distinct from expires_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index invitations_unpublished_expiry_idx`.execute(db);
  await db.schema.alterTable("invitations").dropColumn("expiry_published_at").execute();
  await db.schema.dropTable("events").execute();
}
