import { type Kysely, sql } from "kysely";

/**
 * Embedding for several host products on one deployment:
 * - a host key carries the host's own pages (where invitation, password-reset and verification
 *   links land) and the redirect URLs it may name;
 * - an account made by a host remembers that host, so its emails link to the host's pages;
 * - an embed session carries what it may do (scopes), optionally one organization, and whose
 *   external user it is, so the host can end that user's tokens at once;
 * - an invitation made through a host (or naming a redirect URL) links to the host's page;
 * - a host reaches an account it did not make only through a link the account's owner opens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("host_api_keys")
    .addColumn("accept_invitation_url", "text")
    .addColumn("reset_password_url", "text")
    .addColumn("verify_email_url", "text")
    .addColumn("redirect_urls", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  await db.schema
    .alterTable("users")
    .addColumn("host_key_id", "text", (c) => c.references("host_api_keys.id").onDelete("set null"))
    .execute();
  // Accounts a host made so far have an external identity and never had a password.
  await sql`update users u set host_key_id = e.host_key_id
    from external_identities e where e.user_id = u.id and u.password_hash is null`.execute(db);

  await db.schema
    .alterTable("sessions")
    .addColumn("scopes", sql`text[]`)
    .addColumn("org_id", "uuid", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("host_key_id", "text", (c) => c.references("host_api_keys.id").onDelete("cascade"))
    .addColumn("external_user_id", "text")
    .execute();
  // embed.revokeTokens ends one external user's tokens; host key revocation ends all of a host's.
  await sql`create index sessions_embed_identity_idx on sessions (host_key_id, external_user_id) where host_key_id is not null`.execute(
    db,
  );

  await db.schema
    .alterTable("invitations")
    .addColumn("host_key_id", "text", (c) => c.references("host_api_keys.id").onDelete("set null"))
    .addColumn("redirect_url", "text")
    .execute();

  await db.schema
    .createTable("identity_links")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("host_key_id", "text", (c) => c.notNull().references("host_api_keys.id").onDelete("cascade"))
    .addColumn("external_user_id", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("token_hash", "bytea", (c) => c.notNull().unique())
    .addColumn("redirect_url", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("identity_links_user_idx").on("identity_links").column("user_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("identity_links").execute();
  await db.schema.alterTable("invitations").dropColumn("redirect_url").dropColumn("host_key_id").execute();
  await sql`drop index sessions_embed_identity_idx`.execute(db);
  await db.schema
    .alterTable("sessions")
    .dropColumn("external_user_id")
    .dropColumn("host_key_id")
    .dropColumn("org_id")
    .dropColumn("scopes")
    .execute();
  await db.schema.alterTable("users").dropColumn("host_key_id").execute();
  await db.schema
    .alterTable("host_api_keys")
    .dropColumn("redirect_urls")
    .dropColumn("verify_email_url")
    .dropColumn("reset_password_url")
    .dropColumn("accept_invitation_url")
    .execute();
}
