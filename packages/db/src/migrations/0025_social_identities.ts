import { type Kysely, sql } from "kysely";

/**
 * Sign-in with Google, GitHub and Microsoft. `social_identities` links a provider's subject to one
 * account (a subject belongs to one account; an account may link several identities);
 * `social_flows` holds a sign-in or a link between leaving for the provider and coming back (state,
 * PKCE verifier, nonce), so any instance can finish it, once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("social_identities")
    .addColumn("provider", "text", (c) =>
      c.notNull().check(sql`provider in ('google', 'github', 'microsoft')`),
    )
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_sign_in_at", "timestamptz")
    .addPrimaryKeyConstraint("social_identities_pkey", ["provider", "subject"])
    .execute();
  await sql`create index social_identities_user_idx on social_identities (user_id, created_at)`.execute(db);

  await db.schema
    .createTable("social_flows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('sign_in', 'link')`))
    // The account a link is for (the person who started it, signed in).
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("nonce", "text")
    .addColumn("return_to", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("social_flows_link_user_check", sql`purpose = 'sign_in' or user_id is not null`)
    .execute();
  await sql`create index social_flows_expires_idx on social_flows (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("social_flows").execute();
  await db.schema.dropTable("social_identities").execute();
}
