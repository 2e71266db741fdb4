import { type Kysely, sql } from "kysely";

/**
 * An organization's sign-in policy: how long a session may act in it after signing in
 * (`session_max_age_minutes`), how long it may have paused (`session_idle_minutes`), and which
 * ways of signing in it accepts (`allowed_sign_in_methods`); null is the deployment's default
 * (no limit, every method). Sessions keep the longest pause between two recorded uses, so that a
 * pause once seen stays seen: later activity does not make an idle session fresh again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("organizations")
    .addColumn("session_max_age_minutes", "integer", (c) =>
      c.check(sql`session_max_age_minutes between 15 and 129600`),
    )
    .addColumn("session_idle_minutes", "integer", (c) =>
      c.check(sql`session_idle_minutes between 5 and 43200`),
    )
    .addColumn("allowed_sign_in_methods", sql`text[]`, (c) =>
      c.check(
        sql`cardinality(allowed_sign_in_methods) >= 1 and allowed_sign_in_methods <@ array['password', 'passkey', 'sso', 'google', 'github', 'microsoft']::text[]`,
      ),
    )
    .execute();
  await db.schema
    .alterTable("sessions")
    .addColumn("longest_idle_seconds", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sessions").dropColumn("longest_idle_seconds").execute();
  await db.schema
    .alterTable("organizations")
    .dropColumn("allowed_sign_in_methods")
    .dropColumn("session_idle_minutes")
    .dropColumn("session_max_age_minutes")
    .execute();
}
