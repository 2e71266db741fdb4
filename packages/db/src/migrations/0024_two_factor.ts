import { type Kysely, sql } from "kysely";

/**
 * Two-factor sign-in. A person may have one authenticator app (TOTP: its secret sealed with the
 * server key, and the last time step accepted, so a code is never accepted twice), ten single-use
 * recovery codes (hashed), and any number of passkeys (WebAuthn credentials with their signature
 * counters). `auth_challenges` holds what a sign-in or a passkey ceremony waits for: short-lived,
 * single-use, server side. Sessions say how they were authenticated, and whether two factors were
 * proven; an organization can require that of its members.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("totp_credentials")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "timestamptz")
    .addColumn("last_used_step", "bigint")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "bytea", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("recovery_codes_user_code_key", ["user_id", "code_hash"])
    .execute();

  await db.schema
    .createTable("passkeys")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The authenticator's credential id (base64url); a credential belongs to one account.
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    .addColumn("public_key", "bytea", (c) => c.notNull())
    .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("transports", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("backed_up", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .execute();
  await sql`create index passkeys_user_idx on passkeys (user_id)`.execute(db);

  await db.schema
    .createTable("auth_challenges")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('second_factor', 'passkey_registration', 'passkey_sign_in')`),
    )
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("cascade"))
    // A pending sign-in's secret (its token is `<id>.<secret>`); only the SHA-256 is kept.
    .addColumn("secret_hash", "bytea")
    // The WebAuthn challenge a passkey ceremony must sign.
    .addColumn("challenge", "text")
    // How the first factor was proven, for the session a second factor completes.
    .addColumn("first_factor", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index auth_challenges_expiry_idx on auth_challenges (expires_at)`.execute(db);

  await db.schema
    .alterTable("sessions")
    // password, password+totp, password+recovery_code, password+passkey, passkey; sign-in by a
    // provider adds its own (sso, google…). Embed sessions are vouched for by their host: `embed`.
    .addColumn("auth_method", "text", (c) => c.notNull().defaultTo("password"))
    .addColumn("two_factor", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update sessions set auth_method = 'embed' where kind = 'embed'`.execute(db);

  await db.schema
    .alterTable("organizations")
    .addColumn("require_two_factor", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("organizations").dropColumn("require_two_factor").execute();
  await db.schema.alterTable("sessions").dropColumn("two_factor").dropColumn("auth_method").execute();
  await db.schema.dropTable("auth_challenges").execute();
  await db.schema.dropTable("passkeys").execute();
  await db.schema.dropTable("recovery_codes").execute();
  await db.schema.dropTable("totp_credentials").execute();
}
