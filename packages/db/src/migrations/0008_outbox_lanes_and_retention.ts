import { type Kysely, sql } from "kysely";

/**
 * Outbox lanes and retention.
 * - `lane_key` names what a message waits on (the recipient of an email, the endpoint of a webhook),
 *   so the worker can keep a few in flight per lane and one slow endpoint cannot hold the others.
 * - Email bodies carry live links: sent and dead ones keep only who and what, never the body.
 * - Indexes for the periodic pruning of expired sessions, rate-limit windows, email tokens and old
 *   outbox rows, so each bounded batch reads only what it deletes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox add column lane_key text`.execute(db);
  await sql`update outbox set lane_key = case kind when 'email' then lower(payload->>'to') else payload->>'endpointId' end`.execute(
    db,
  );
  await sql`update outbox set payload = jsonb_build_object('to', payload->'to', 'subject', payload->'subject') where kind = 'email' and status <> 'pending'`.execute(
    db,
  );
  await sql`create index outbox_lane_idx on outbox (kind, lane_key) where status = 'pending'`.execute(db);
  await sql`create index outbox_sent_at_idx on outbox (sent_at) where status = 'sent'`.execute(db);
  await sql`create index outbox_dead_created_at_idx on outbox (created_at) where status = 'dead'`.execute(db);
  await sql`create index sessions_expires_at_idx on sessions (expires_at)`.execute(db);
  await sql`create index rate_limits_window_start_idx on rate_limits (window_start)`.execute(db);
  await sql`create index email_tokens_expires_at_idx on email_tokens (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index email_tokens_expires_at_idx`.execute(db);
  await sql`drop index rate_limits_window_start_idx`.execute(db);
  await sql`drop index sessions_expires_at_idx`.execute(db);
  await sql`drop index outbox_dead_created_at_idx`.execute(db);
  await sql`drop index outbox_sent_at_idx`.execute(db);
  await sql`drop index outbox_lane_idx`.execute(db);
  await sql`alter table outbox drop column lane_key`.execute(db);
}
