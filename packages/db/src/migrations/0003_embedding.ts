import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Keys a deployment admin gives a host product's backend; only a hash of the secret is kept.
  await db.schema
    .createTable("host_api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();

  // A host product's own user id, tied to the Roster account it acts as.
  await db.schema
    .createTable("external_identities")
    .addColumn("host_key_id", "text", (c) => c.notNull().references("host_api_keys.id").onDelete("cascade"))
    .addColumn("external_user_id", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("external_identities_pkey", ["host_key_id", "external_user_id"])
    .execute();
  await db.schema
    .createIndex("external_identities_user_idx")
    .on("external_identities")
    .column("user_id")
    .execute();

  // Embed sessions are short-lived and are not extended by activity.
  await db.schema
    .alterTable("sessions")
    .addColumn("kind", "text", (c) =>
      c.notNull().defaultTo("browser").check(sql`kind in ('browser', 'embed')`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sessions").dropColumn("kind").execute();
  await db.schema.dropTable("external_identities").execute();
  await db.schema.dropTable("host_api_keys").execute();
}
