import { type Kysely, sql } from "kysely";

/**
 * Indexes for members.list on large organizations, found by test/explain.test.ts in apps/server:
 * every filter the list offers reads one page of index entries, newest first, however deep the
 * page and however rare the match.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Filtering by role walked the whole page index, discarding other roles (5,000 rows read for a
  // page of admins among 100,000 members); (org_id, role) still serves role lookups as its prefix.
  await sql`create index memberships_org_role_page_idx on memberships (org_id, role, created_at desc, user_id desc)`.execute(
    db,
  );
  await sql`drop index memberships_org_role_idx`.execute(db);
  // Deactivated members are few and scattered: a partial index finds a page of them directly.
  await sql`create index memberships_org_deactivated_page_idx on memberships (org_id, created_at desc, user_id desc) where status = 'deactivated'`.execute(
    db,
  );
  // The list shows only pending invitations; accepted, declined and revoked ones pile up over time.
  await sql`create index invitations_org_pending_page_idx on invitations (org_id, created_at desc, id desc) where status = 'pending'`.execute(
    db,
  );
  // Prefix search (LIKE 'abc%') needs text_pattern_ops unless the collation is C.
  await sql`create index invitations_pending_email_prefix_idx on invitations (org_id, lower(email) text_pattern_ops) where status = 'pending'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index invitations_pending_email_prefix_idx`.execute(db);
  await sql`drop index invitations_org_pending_page_idx`.execute(db);
  await sql`drop index memberships_org_deactivated_page_idx`.execute(db);
  await sql`create index memberships_org_role_idx on memberships (org_id, role)`.execute(db);
  await sql`drop index memberships_org_role_page_idx`.execute(db);
}
