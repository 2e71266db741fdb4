import { type Kysely, sql } from "kysely";

/**
 * Domains an organization claims (acme.com). A claim is proven by a DNS TXT record or by an
 * owner's confirmed address on the domain; a verified domain belongs to one organization at a time
 * (the partial unique index). Verified domains are checked again on a schedule (`next_check_at`).
 * `enrollment` says what happens to people on the domain: nothing, an automatic invitation with
 * `default_role`, or a suggestion to request to join.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("org_domains")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("domain", "text", (c) => c.notNull().check(sql`domain = lower(domain)`))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'verified')`))
    .addColumn("verification_token", "text", (c) => c.notNull())
    .addColumn("verification_method", "text", (c) => c.check(sql`verification_method in ('dns', 'email')`))
    .addColumn("verified_at", "timestamptz")
    .addColumn("verified_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("last_checked_at", "timestamptz")
    .addColumn("next_check_at", "timestamptz")
    .addColumn("check_failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("enrollment", "text", (c) =>
      c.notNull().defaultTo("off").check(sql`enrollment in ('off', 'invitation', 'suggestion')`),
    )
    .addColumn("default_role", "text", (c) => c.notNull().defaultTo("member"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint(
      "org_domains_verified_check",
      sql`(status = 'verified') = (verified_at is not null and verification_method is not null)`,
    )
    .execute();
  await sql`create unique index org_domains_org_domain_key on org_domains (org_id, domain)`.execute(db);
  // One organization per verified domain; also how sign-up finds the organization of an address.
  await sql`create unique index org_domains_verified_key on org_domains (domain) where status = 'verified'`.execute(
    db,
  );
  await sql`create index org_domains_next_check_idx on org_domains (next_check_at) where status = 'verified'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("org_domains").execute();
}
