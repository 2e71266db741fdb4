import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("organizations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("personal", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("seat_limit", "integer", (c) => c.check(sql`seat_limit is null or seat_limit > 0`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create unique index organizations_slug_key on organizations (lower(slug))`.execute(db);
  await sql`alter table users add constraint users_last_active_org_fkey
    foreign key (last_active_org_id) references organizations (id) on delete set null`.execute(db);

  await db.schema
    .createTable("roles")
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("permissions", sql`text[]`, (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("roles_pkey", ["org_id", "key"])
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'deactivated')`))
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("invited_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("deactivated_at", "timestamptz")
    .addPrimaryKeyConstraint("memberships_pkey", ["org_id", "user_id"])
    .execute();
  // members.list pages newest first with a (created_at, user_id) cursor.
  await sql`create index memberships_org_page_idx on memberships (org_id, created_at desc, user_id desc)`.execute(
    db,
  );
  await sql`create index memberships_user_idx on memberships (user_id)`.execute(db);
  // The last-owner rule locks an organization's active owners: found through this small index.
  await sql`create index memberships_owners_idx on memberships (org_id) where role = 'owner' and status = 'active'`.execute(
    db,
  );
  await sql`create index memberships_org_role_idx on memberships (org_id, role)`.execute(db);

  await db.schema
    .createTable("invitations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'accepted', 'declined', 'revoked')`),
    )
    .addColumn("token_hash", "bytea", (c) => c.notNull().unique())
    .addColumn("token_sealed", "text", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("inviter_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("send_count", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("last_sent_at", "timestamptz", (c) => c.notNull())
    .addColumn("responded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("responded_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // One open invitation per address and organization.
  await sql`create unique index invitations_pending_email_key on invitations (org_id, lower(email)) where status = 'pending'`.execute(
    db,
  );
  await sql`create index invitations_org_page_idx on invitations (org_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index invitations_pending_email_idx on invitations (lower(email)) where status = 'pending'`.execute(
    db,
  );

  // What the organization's members own; ownership must move before its owner can be removed.
  await db.schema
    .createTable("resources")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("owner_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index resources_org_owner_idx on resources (org_id, owner_id)`.execute(db);
  await sql`create index resources_org_page_idx on resources (org_id, created_at desc, id desc)`.execute(db);

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("actor_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("actor_label", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("data", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index audit_events_org_idx on audit_events (org_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["audit_events", "resources", "invitations", "memberships", "roles"]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`alter table users drop constraint users_last_active_org_fkey`.execute(db);
  await db.schema.dropTable("organizations").execute();
}
