import { type Kysely, sql } from "kysely";

/**
 * Single sign-on per organization: one identity provider connection (OIDC or SAML 2.0) that people
 * on the organization's verified domains sign in through. `sso_identities` remembers who a
 * provider's subject is; `sso_flows` holds a sign-in between leaving for the provider and coming
 * back (state, nonce, PKCE verifier, SAML request id), so any instance can finish it;
 * `sso_assertions` remembers SAML assertion ids until they expire, so none is accepted twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sso_connections")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) =>
      c.notNull().unique().references("organizations.id").onDelete("cascade"),
    )
    .addColumn("protocol", "text", (c) => c.notNull().check(sql`protocol in ('oidc', 'saml')`))
    .addColumn("enforced", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("default_role", "text", (c) => c.notNull().defaultTo("member"))
    .addColumn("oidc_issuer", "text")
    .addColumn("oidc_client_id", "text")
    .addColumn("oidc_client_secret_sealed", "text")
    .addColumn("saml_idp_entity_id", "text")
    .addColumn("saml_idp_sso_url", "text")
    .addColumn("saml_idp_certificate", "text")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint(
      "sso_connections_settings_check",
      sql`(protocol = 'oidc' and oidc_issuer is not null and oidc_client_id is not null)
        or (protocol = 'saml' and saml_idp_entity_id is not null and saml_idp_sso_url is not null and saml_idp_certificate is not null)`,
    )
    .execute();

  await db.schema
    .createTable("sso_identities")
    .addColumn("connection_id", "uuid", (c) =>
      c.notNull().references("sso_connections.id").onDelete("cascade"),
    )
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_sign_in_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("sso_identities_pkey", ["connection_id", "subject"])
    .execute();
  await sql`create unique index sso_identities_user_key on sso_identities (connection_id, user_id)`.execute(
    db,
  );

  await db.schema
    .createTable("sso_flows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("connection_id", "uuid", (c) =>
      c.notNull().references("sso_connections.id").onDelete("cascade"),
    )
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('sign_in', 'test')`))
    .addColumn("nonce", "text")
    .addColumn("code_verifier", "text")
    .addColumn("saml_request_id", "text")
    .addColumn("return_to", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create unique index sso_flows_saml_request_key on sso_flows (saml_request_id) where saml_request_id is not null`.execute(
    db,
  );
  await sql`create index sso_flows_expires_idx on sso_flows (expires_at)`.execute(db);

  await db.schema
    .createTable("sso_assertions")
    .addColumn("connection_id", "uuid", (c) =>
      c.notNull().references("sso_connections.id").onDelete("cascade"),
    )
    .addColumn("assertion_id", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("sso_assertions_pkey", ["connection_id", "assertion_id"])
    .execute();
  await sql`create index sso_assertions_expires_idx on sso_assertions (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sso_assertions").execute();
  await db.schema.dropTable("sso_flows").execute();
  await db.schema.dropTable("sso_identities").execute();
  await db.schema.dropTable("sso_connections").execute();
}
