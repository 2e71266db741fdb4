import { type Kysely, sql } from "kysely";

/**
 * Statistics on lower(invitations.email), the key "my invitations" looks invitations up by. The
 * partial index on it gives the planner no statistics, so it guessed 0.5 % of pending invitations
 * per address and joined them to every organization and role by sequential scans; with these it
 * knows an address has one or two, and looks each organization up by its key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create statistics invitations_email_lower_stats on (lower(email)) from invitations`.execute(db);
  await sql`analyze invitations`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop statistics invitations_email_lower_stats`.execute(db);
}
