import { type Kysely, sql } from "kysely";

/**
 * SCIM 2.0 provisioning per organization. An identity provider (Okta, Microsoft Entra) calls
 * `/scim/v2` with one of the organization's SCIM tokens (stored as a SHA-256 of the secret, like
 * API keys); each token acts in the audit log as its own account (`actor_id`, a non-member account
 * that can never sign in). `scim_users` keeps what the provider says about a member (userName,
 * externalId, name) and goes with the membership; `scim_groups` ties a group to the provider's
 * externalId and, optionally, to the role its members get.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scim_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("actor_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "bytea", (c) => c.notNull())
    .addColumn("secret_last4", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await sql`create index scim_tokens_org_idx on scim_tokens (org_id, created_at)`.execute(db);

  await db.schema
    .createTable("scim_connections")
    .addColumn("org_id", "uuid", (c) => c.primaryKey().references("organizations.id").onDelete("cascade"))
    .addColumn("default_role", "text", (c) => c.notNull().defaultTo("member"))
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("scim_users")
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull())
    .addColumn("user_name", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .addColumn("profile", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_account", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("scim_users_pkey", ["org_id", "user_id"])
    .addForeignKeyConstraint(
      "scim_users_membership_fkey",
      ["org_id", "user_id"],
      "memberships",
      ["org_id", "user_id"],
      (fk) => fk.onDelete("cascade"),
    )
    .execute();
  // userName is unique per organization, compared without case (RFC 7643 §4.1.1: caseExact false).
  await sql`create unique index scim_users_user_name_key on scim_users (org_id, lower(user_name))`.execute(
    db,
  );
  await sql`create unique index scim_users_external_id_key on scim_users (org_id, external_id) where external_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable("scim_groups")
    .addColumn("group_id", "uuid", (c) => c.primaryKey().references("groups.id").onDelete("cascade"))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("external_id", "text")
    .addColumn("role", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create unique index scim_groups_external_id_key on scim_groups (org_id, external_id) where external_id is not null`.execute(
    db,
  );
  await sql`create index scim_groups_role_idx on scim_groups (org_id) where role is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("scim_groups").execute();
  await db.schema.dropTable("scim_users").execute();
  await db.schema.dropTable("scim_connections").execute();
  await db.schema.dropTable("scim_tokens").execute();
}
