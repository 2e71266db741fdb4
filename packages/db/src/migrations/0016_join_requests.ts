import { type Kysely, sql } from "kysely";

/**
 * Requests to join an organization, made by people whose confirmed address is on one of its
 * verified domains set to "suggestion". An admin approves one with a role (which adds the
 * membership) or rejects it; the person may withdraw it. One open request per person and organization.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("join_requests")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn("role", "text")
    .addColumn("decided_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("decided_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create unique index join_requests_pending_key on join_requests (org_id, user_id) where status = 'pending'`.execute(
    db,
  );
  // joinRequests.list pages newest first with a (created_at, id) cursor.
  await sql`create index join_requests_org_page_idx on join_requests (org_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index join_requests_user_idx on join_requests (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("join_requests").execute();
}
