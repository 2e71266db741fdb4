import { type Kysely, sql } from "kysely";

/**
 * The outbox wake-up names the kind of message (`email`, `webhook`), so a worker claims only the
 * lane that has new work. Enqueuing notifies once per kind a transaction wrote (Postgres folds
 * identical notifications of one transaction into one); a released lease names its message's kind.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create or replace function roster_outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('roster_outbox', new.kind::text);
      return null;
    end
  $$`.execute(db);
  await sql`drop trigger outbox_enqueued on outbox`.execute(db);
  await sql`create trigger outbox_enqueued after insert on outbox
    for each row execute function roster_outbox_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger outbox_enqueued on outbox`.execute(db);
  await sql`create or replace function roster_outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('roster_outbox', '');
      return null;
    end
  $$`.execute(db);
  await sql`create trigger outbox_enqueued after insert on outbox
    for each statement execute function roster_outbox_notify()`.execute(db);
}
