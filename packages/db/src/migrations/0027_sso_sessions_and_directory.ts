import { type Kysely, sql } from "kysely";

/**
 * The few accounts that are not people (service accounts), indexed on their own: a directory of an
 * organization's people (SCIM) leaves them out without reading every account.
 *
 * A session made by single sign-on remembers whose identity provider made it, so that an
 * organization enforcing its provider can refuse, at once, its members' sessions made another way
 * (a password, a passkey, another organization's provider). Sessions made by a provider before
 * this are attributed to the organization of the connection that signed the person in last.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index users_not_person_idx on users (id) where kind <> 'person'`.execute(db);
  await db.schema
    .alterTable("sessions")
    .addColumn("sso_org_id", "uuid", (c) => c.references("organizations.id").onDelete("set null"))
    .execute();
  // Deleting an organization finds its sessions without reading them all.
  await sql`create index sessions_sso_org_idx on sessions (sso_org_id) where sso_org_id is not null`.execute(
    db,
  );
  await sql`update sessions s set sso_org_id = (
      select c.org_id from sso_identities i
      join sso_connections c on c.id = i.connection_id
      where i.user_id = s.user_id
      order by i.last_sign_in_at desc
      limit 1
    ) where s.auth_method = 'sso'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_not_person_idx`.execute(db);
  await db.schema.alterTable("sessions").dropColumn("sso_org_id").execute();
}
