import { type Kysely, sql } from "kysely";

/**
 * Wakes outbox workers instead of making them poll: a NOTIFY on `roster_outbox` when a transaction
 * enqueues (delivered at its commit, so a worker never looks before the row is visible), and when a
 * message's lease is released (sent, retried later or given up), so that an instance waiting for a
 * busy recipient or endpoint lane claims its next message without waiting for the slow poll.
 * Claiming and renewing a lease set `locked_until` to a time, so they notify no one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function roster_outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('roster_outbox', '');
      return null;
    end
  $$`.execute(db);
  await sql`create trigger outbox_enqueued after insert on outbox
    for each statement execute function roster_outbox_notify()`.execute(db);
  await sql`create trigger outbox_lease_released after update of locked_until on outbox
    for each row when (old.locked_until is not null and new.locked_until is null)
    execute function roster_outbox_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger outbox_lease_released on outbox`.execute(db);
  await sql`drop trigger outbox_enqueued on outbox`.execute(db);
  await sql`drop function roster_outbox_notify()`.execute(db);
}
