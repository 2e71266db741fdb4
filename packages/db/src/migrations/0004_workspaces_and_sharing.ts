import { type Kysely, sql } from "kysely";

/**
 * Workspaces (nested), groups and workspace grants; service accounts and their API keys; shared
 * settings; resources placed in workspaces; usage, credits; webhook endpoints and their delivery log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Composite keys (org_id, id) let child tables reference a row *of the same organization*.
  await sql`alter table invitations add constraint invitations_org_id_key unique (org_id, id)`.execute(db);

  await db.schema
    .createTable("workspaces")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("parent_id", "uuid")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("workspaces_org_id_key", ["org_id", "id"])
    .addCheckConstraint("workspaces_not_own_parent", sql`parent_id is null or parent_id <> id`)
    .execute();
  // A parent is in the same organization; a workspace with children cannot be deleted.
  await sql`alter table workspaces add constraint workspaces_parent_fkey
    foreign key (org_id, parent_id) references workspaces (org_id, id)`.execute(db);
  await sql`create unique index workspaces_sibling_name_key on workspaces
    (org_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`.execute(db);
  await sql`create index workspaces_parent_idx on workspaces (parent_id)`.execute(db);

  await db.schema
    .createTable("groups")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("groups_org_id_key", ["org_id", "id"])
    .execute();
  await sql`create unique index groups_name_key on groups (org_id, lower(name))`.execute(db);

  // Leaving or being removed from the organization deletes the membership, and with it these rows.
  await db.schema
    .createTable("group_members")
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("group_id", "uuid", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull())
    .addColumn("added_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_members_pkey", ["group_id", "user_id"])
    .addForeignKeyConstraint(
      "group_members_group_fkey",
      ["org_id", "group_id"],
      "groups",
      ["org_id", "id"],
      (f) => f.onDelete("cascade"),
    )
    .addForeignKeyConstraint(
      "group_members_membership_fkey",
      ["org_id", "user_id"],
      "memberships",
      ["org_id", "user_id"],
      (f) => f.onDelete("cascade"),
    )
    .execute();
  await sql`create index group_members_user_idx on group_members (org_id, user_id)`.execute(db);

  // A role on a workspace (and so on its descendants) for exactly one of: a member, a group, or a
  // pending invitation (turned into the member's grant when the invitation is accepted).
  await db.schema
    .createTable("workspace_grants")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("workspace_id", "uuid", (c) => c.notNull())
    .addColumn("user_id", "uuid")
    .addColumn("group_id", "uuid")
    .addColumn("invitation_id", "uuid")
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("granted_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint(
      "workspace_grants_one_principal",
      sql`num_nonnulls(user_id, group_id, invitation_id) = 1`,
    )
    .addForeignKeyConstraint(
      "workspace_grants_workspace_fkey",
      ["org_id", "workspace_id"],
      "workspaces",
      ["org_id", "id"],
      (f) => f.onDelete("cascade"),
    )
    .addForeignKeyConstraint(
      "workspace_grants_membership_fkey",
      ["org_id", "user_id"],
      "memberships",
      ["org_id", "user_id"],
      (f) => f.onDelete("cascade"),
    )
    .addForeignKeyConstraint(
      "workspace_grants_group_fkey",
      ["org_id", "group_id"],
      "groups",
      ["org_id", "id"],
      (f) => f.onDelete("cascade"),
    )
    .addForeignKeyConstraint(
      "workspace_grants_invitation_fkey",
      ["org_id", "invitation_id"],
      "invitations",
      ["org_id", "id"],
      (f) => f.onDelete("cascade"),
    )
    .execute();
  await sql`create unique index workspace_grants_user_key on workspace_grants (workspace_id, user_id) where user_id is not null`.execute(
    db,
  );
  await sql`create unique index workspace_grants_group_key on workspace_grants (workspace_id, group_id) where group_id is not null`.execute(
    db,
  );
  await sql`create unique index workspace_grants_invitation_key on workspace_grants (workspace_id, invitation_id) where invitation_id is not null`.execute(
    db,
  );
  await sql`create index workspace_grants_user_idx on workspace_grants (org_id, user_id) where user_id is not null`.execute(
    db,
  );
  await sql`create index workspace_grants_group_idx on workspace_grants (org_id, group_id) where group_id is not null`.execute(
    db,
  );
  await sql`create index workspace_grants_invitation_idx on workspace_grants (invitation_id) where invitation_id is not null`.execute(
    db,
  );
  await sql`create index workspace_grants_role_idx on workspace_grants (org_id, role)`.execute(db);

  // Resources live in a workspace of their organization (or in none).
  await db.schema.alterTable("resources").addColumn("workspace_id", "uuid").execute();
  await sql`alter table resources add constraint resources_workspace_fkey
    foreign key (org_id, workspace_id) references workspaces (org_id, id)`.execute(db);
  await sql`alter table resources add constraint resources_state_check
    check (state in ('running', 'stopped', 'terminated'))`.execute(db);
  await sql`create index resources_org_workspace_idx on resources (org_id, workspace_id)`.execute(db);

  // Service accounts are users of kind 'service_account' with one membership; this row says which
  // organization made them. Removing the membership removes the service account and its keys.
  await db.schema
    .createTable("service_accounts")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addForeignKeyConstraint(
      "service_accounts_membership_fkey",
      ["org_id", "user_id"],
      "memberships",
      ["org_id", "user_id"],
      (f) => f.onDelete("cascade"),
    )
    .execute();
  await sql`create index service_accounts_org_idx on service_accounts (org_id, created_at)`.execute(db);

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) =>
      c.notNull().references("service_accounts.user_id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "bytea", (c) => c.notNull())
    .addColumn("secret_last4", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await sql`create index api_keys_user_idx on api_keys (user_id, created_at)`.execute(db);

  // Shared settings: a plain JSON value, or a secret kept only as AES-GCM ciphertext.
  await db.schema
    .createTable("org_settings")
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("secret", "boolean", (c) => c.notNull())
    .addColumn("value", "jsonb")
    .addColumn("secret_sealed", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addPrimaryKeyConstraint("org_settings_pkey", ["org_id", "key"])
    .addCheckConstraint(
      "org_settings_value_check",
      sql`(secret and value is null and secret_sealed is not null) or (not secret and value is not null and secret_sealed is null)`,
    )
    .execute();

  // Usage: the workspace is copied from the resource when recorded, so reports keep it.
  await db.schema
    .createTable("usage_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("resource_id", "uuid")
    .addColumn("workspace_id", "uuid")
    .addColumn("quantity", "numeric", (c) => c.notNull().check(sql`quantity >= 0`))
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("credits", "numeric", (c) => c.notNull().defaultTo(0).check(sql`credits >= 0`))
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("recorded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("usage_events_idempotency_key", ["org_id", "idempotency_key"])
    .execute();
  await sql`create index usage_events_org_time_idx on usage_events (org_id, occurred_at)`.execute(db);

  await db.schema
    .createTable("credit_grants")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("amount", "numeric", (c) => c.notNull().check(sql`amount > 0`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("idempotency_key", "text")
    .addColumn("granted_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("credit_grants_idempotency_key", ["org_id", "idempotency_key"])
    .execute();
  await sql`create index credit_grants_org_idx on credit_grants (org_id, created_at desc, id desc)`.execute(
    db,
  );

  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("events", sql`text[]`, (c) => c.notNull())
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
    .addColumn("disabled_reason", "text")
    .addColumn("disabled_at", "timestamptz")
    .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index webhook_endpoints_org_idx on webhook_endpoints (org_id, created_at)`.execute(db);

  // One row per delivery attempt.
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", (c) => c.notNull())
    .addColumn("endpoint_id", "uuid", (c) =>
      c.notNull().references("webhook_endpoints.id").onDelete("cascade"),
    )
    .addColumn("delivery_id", "uuid", (c) => c.notNull())
    .addColumn("event_id", "uuid", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("ok", "boolean", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "webhook_deliveries",
    "webhook_endpoints",
    "credit_grants",
    "usage_events",
    "org_settings",
    "api_keys",
    "service_accounts",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop index resources_org_workspace_idx`.execute(db);
  await sql`alter table resources drop constraint resources_state_check`.execute(db);
  await sql`alter table resources drop constraint resources_workspace_fkey`.execute(db);
  await db.schema.alterTable("resources").dropColumn("workspace_id").execute();
  for (const table of ["workspace_grants", "group_members", "groups", "workspaces"]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`alter table invitations drop constraint invitations_org_id_key`.execute(db);
}
