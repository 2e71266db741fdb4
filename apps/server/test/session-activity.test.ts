import { createRosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { type RunningServer, startServer } from "../src/server.js";
import { type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";

// A session's activity (last_seen_at, and its expiry in the second half of its life) is written
// after the answer, at most once a minute per session, however many requests and instances use it.

let t: TestServer;
let second: RunningServer;
beforeAll(async () => {
  t = await startTestServer();
  // Another instance on the same database and clock.
  second = await startServer({
    config: loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      PUBLIC_URL: "http://roster.test",
      SECRET_KEY: "test-secret-key-that-is-long-enough-000",
      LOG_LEVEL: "silent",
    }),
    database: t.database,
    clock: t.clock,
    runWorker: false,
  });
  // Every row written to sessions by an UPDATE, counted by the database itself.
  await sql`create table session_writes (session_id text not null)`.execute(t.database.db);
  await sql`create function count_session_write() returns trigger language plpgsql as $$
    begin insert into session_writes values (new.id); return null; end $$`.execute(t.database.db);
  await sql`create trigger count_session_write after update on sessions
    for each row execute function count_session_write()`.execute(t.database.db);
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

const writes = async (person: SignedUpPerson) => {
  const [id] = person.token.split(".");
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from session_writes where session_id = ${id}`.execute(t.database.db);
  return Number(rows[0]!.n);
};

/** Holds the person's session row locked (as a slow write would) until `release` is called. */
async function holdSessionRow(person: SignedUpPerson) {
  const [id] = person.token.split(".");
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => {
    locked = r;
  });
  const done = t.database.db.transaction().execute(async (trx) => {
    await sql`select id from sessions where id = ${id} for update`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await done;
  };
}

describe("session activity", () => {
  it("answers without waiting for the activity write", async () => {
    const person = await t.signUp("Busy Row");
    t.clock.advance(20 * 24 * 3600); // second half: used now, it is extended and marked seen
    const release = await holdSessionRow(person);
    try {
      const me = await person.client.auth.me.query();
      expect(me.user.id).toBe(person.user.id);
      expect(await writes(person)).toBe(0); // the write waits for the row; the answer did not
    } finally {
      await release();
    }
    await t.server.settle();
    expect(await writes(person)).toBe(1);
    const [id] = person.token.split(".");
    const row = await t.database.db
      .selectFrom("sessions")
      .select(["last_seen_at", "expires_at"])
      .where("id", "=", id!)
      .executeTakeFirstOrThrow();
    expect(row.last_seen_at).toEqual(t.clock());
    expect(row.expires_at.getTime()).toBe(t.clock().getTime() + 30 * 24 * 3600 * 1000);
  });

  it("writes once a minute at most, however many requests and instances use the session", async () => {
    const person = await t.signUp("Many Tabs");
    const elsewhere = createRosterClient({ url: second.url, token: person.token });
    t.clock.advance(120);
    // All of them read the session before any write lands: the writes queue behind the lock.
    const release = await holdSessionRow(person);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? elsewhere : person.client).auth.me.query()),
    );
    await release();
    await Promise.all([t.server.settle(), second.settle()]);
    expect(await writes(person)).toBe(1);

    // Within the same minute nothing more is written.
    t.clock.advance(30);
    for (let i = 0; i < 5; i++) await person.client.auth.me.query();
    await t.server.settle();
    expect(await writes(person)).toBe(1);

    // A minute later, once more.
    t.clock.advance(60);
    await elsewhere.auth.me.query();
    await second.settle();
    expect(await writes(person)).toBe(2);
  });
});
