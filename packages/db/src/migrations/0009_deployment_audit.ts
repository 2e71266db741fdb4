import { type Kysely, sql } from "kysely";

/**
 * The deployment's own audit log: what happens to organizations as a whole. An organization's
 * audit log (audit_events) goes with it when it is deleted; the record of that deletion has to
 * outlive it, so it lives here, keyed by the organization's id without a foreign key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("deployment_audit_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("actor_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index deployment_audit_events_org_idx on deployment_audit_events (org_id, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("deployment_audit_events").execute();
}
