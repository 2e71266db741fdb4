import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, isDatabaseUnavailable, type RosterDb } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient } from "@roster/sdk";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { type RunningServer, startServer } from "../src/server.js";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/**
 * The database going away (an admin ending backends, Postgres restarting, PGlite failing) must
 * fail the requests it hits with DATABASE_UNAVAILABLE and leave the server serving once it is back.
 * A crash here would surface as an unhandled error, which fails the run.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
}

/** Holds an exclusive lock on a table from its own connection, so requests that need it wait. */
async function holdLock(admin: Kysely<never>, table: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked!: (pid: number) => void;
  const pid = new Promise<number>((r) => {
    locked = r;
  });
  const done = admin
    .transaction()
    .execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx);
      locked(rows[0]!.pid);
      await released;
    })
    .catch(() => {});
  return {
    pid: await pid,
    async release() {
      release();
      await done;
    },
  };
}

const waitingOnLocks = async (admin: Kysely<never>) =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(admin)
    ).rows[0]!.n,
  );

/** Ends every backend of the database except the admin's own ones; returns how many. */
async function terminateAll(admin: Kysely<never>, spare: number[] = []) {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and pid <> all(${spare}::int[])
      and backend_type = 'client backend'`.execute(admin);
  await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where pid = any(${rows.map((r) => r.pid)}::int[])`.execute(admin);
  await waitFor("terminated backends to go", async () => {
    const left = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
        where pid = any(${rows.map((r) => r.pid)}::int[])`.execute(admin);
    return Number(left.rows[0]!.n) === 0;
  });
  return rows.length;
}

const unavailable = { code: "SERVICE_UNAVAILABLE", reason: "DATABASE_UNAVAILABLE" };

describe("Postgres backends terminated (pg_terminate_backend)", () => {
  let t: TestServer;
  let admin: RosterDb;
  beforeAll(async () => {
    t = await startTestServer();
    admin = await createDb({ url: t.database.url, poolSize: 3, onPoolError: () => {} });
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  it("fails the requests in flight with DATABASE_UNAVAILABLE and keeps serving, also after idle connections die", async () => {
    const alice = await t.signUp("Alice");
    const db = admin.db as unknown as Kysely<never>;
    const lock = await holdLock(db, "organizations");
    // Three separate requests (a client each, so they are not batched into one), each waiting.
    const calls = [1, 2, 3].map(() => failure(t.client(alice.token).orgs.list.query()));
    const raw = fetch(`${t.url}/trpc/orgs.list`, { headers: { authorization: `Bearer ${alice.token}` } });
    await waitFor("requests to wait on the lock", async () => (await waitingOnLocks(db)) >= 4);

    expect(await terminateAll(db, [lock.pid])).toBeGreaterThanOrEqual(4);
    for (const result of await Promise.all(calls)) expect(result).toMatchObject(unavailable);
    const response = await raw;
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string; data: { reason: string } } };
    expect(body.error.data.reason).toBe("DATABASE_UNAVAILABLE");
    expect(body.error.message).toMatch(/database is not reachable/);
    await lock.release();

    expect(await alice.client.orgs.list.query()).toHaveLength(1);

    // Idle pooled connections die too; the next requests get fresh ones.
    expect(await terminateAll(db)).toBeGreaterThan(0);
    await sleep(100);
    expect(await alice.client.orgs.list.query()).toHaveLength(1);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

describe("a backend that reported a fatal error", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let pooled: RosterDb;
  let admin: RosterDb;
  beforeAll(async () => {
    database = await createTestDatabase();
    // The database's side closes a whole second after its last message, as on a busy machine.
    proxy = await startTcpProxy(Number(new URL(database.url).port || 5432), "127.0.0.1", { lingerMs: 1000 });
    const url = new URL(database.url);
    url.port = String(proxy.port);
    pooled = await createDb({ url: url.toString(), poolSize: 1, onPoolError: () => {} });
    admin = await createDb({ url: database.url, poolSize: 1, onPoolError: () => {} });
  });
  afterAll(async () => {
    await pooled?.close();
    await proxy?.close();
    await admin?.close();
    await database?.drop();
  });

  it("is never handed out again, even while its socket is still open", async () => {
    const db = pooled.db as unknown as Kysely<never>;
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    const sleeping = sql`select pg_sleep(30)`.execute(db).then(
      () => null,
      (error: unknown) => error,
    );
    await waitFor("the query to run", async () => {
      const active = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
          where pid = ${rows[0]!.pid} and state = 'active'`.execute(admin.db as unknown as Kysely<never>);
      return Number(active.rows[0]!.n) === 1;
    });
    await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(admin.db as unknown as Kysely<never>);
    expect(isDatabaseUnavailable(await sleeping)).toBe(true);

    // The pool's only connection is dead though its socket lingers: the next query needs a new one.
    const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    expect(again.rows[0]!.pid).not.toBe(rows[0]!.pid);
  });
});

describe("Postgres restarted (connections cut and refused, then back)", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let viaProxy: RosterDb;
  let server: RunningServer;
  let admin: RosterDb;
  const logs: { level: string; msg: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const logger = createLogger("warn", {}, (line) => logs.push(JSON.parse(line)));
    viaProxy = await createDb({
      url: url.toString(),
      poolSize: 5,
      connectTimeoutMs: 2000,
      onPoolError: (error) => logger.warn("database connection lost", { error: error.message }),
    });
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      PUBLIC_URL: "http://roster.test",
      SECRET_KEY: "test-secret-key-that-is-long-enough-000",
    });
    server = await startServer({ config, database: viaProxy, logger, outboxPollMs: 100 });
    admin = await createDb({ url: database.url, poolSize: 3, onPoolError: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    await viaProxy?.close();
    await proxy?.close();
    await admin?.close();
    await database?.drop();
  });

  it("answers DATABASE_UNAVAILABLE and an unhealthy /healthz meanwhile, then serves again without a restart; the outbox worker carries on", async () => {
    const client = (token?: string) => createRosterClient({ url: server.url, token });
    const signedUp = await client().auth.signUp.mutate({
      email: "owner@example.com",
      password: PASSWORD,
      name: "Owner",
    });
    const owner = client(signedUp.token);
    const [org] = await owner.orgs.list.query();
    const db = admin.db as unknown as Kysely<never>;

    const lock = await holdLock(db, "organizations");
    const calls = [1, 2, 3].map(() => failure(client(signedUp.token).orgs.list.query()));
    await waitFor("requests to wait on the lock", async () => (await waitingOnLocks(db)) >= 3);
    await proxy.cut();
    for (const result of await Promise.all(calls)) expect(result).toMatchObject(unavailable);
    await lock.release();

    // While the database is unreachable: clear refusals, each within the connect timeout.
    const started = Date.now();
    expect(await failure(owner.orgs.list.query())).toMatchObject(unavailable);
    expect(
      await failure(client().auth.signIn.mutate({ email: "owner@example.com", password: PASSWORD })),
    ).toMatchObject(unavailable);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(8_000);
    await sleep(1_000); // the outbox worker polls every 100 ms and fails each pass meanwhile

    await proxy.restore();
    expect(await owner.orgs.list.query()).toHaveLength(1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // The worker delivers what is enqueued after the outage, on its own.
    await owner.invitations.create.mutate({ orgId: org!.id, emails: ["after@example.com"], role: "member" });
    await waitFor("the invitation email to be delivered", async () => {
      const rows = await admin.db
        .selectFrom("dev_mailbox")
        .select("id")
        .where("to", "=", "after@example.com")
        .execute();
      return rows.length === 1;
    });

    expect(logs.some((l) => l.msg === "database connection lost")).toBe(true);
    expect(logs.some((l) => l.msg === "database unavailable")).toBe(true);
    expect(logs.some((l) => l.msg === "outbox pass failed")).toBe(true);
  });
});

describe("embedded PGlite failing", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-faults-pglite-"));
  let database: RosterDb;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createDb({ dataDir: join(dir, "data"), onPoolError: () => {} });
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      ROSTER_DATA_DIR: join(dir, "data"),
      SECRET_KEY: "pglite-secret-key-long-enough-0000000000",
      LOG_LEVEL: "silent",
    });
    server = await startServer({ config, database, runWorker: false });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails the request that hit the fault with DATABASE_UNAVAILABLE and serves the next one", async () => {
    const client = (token?: string) => createRosterClient({ url: server.url, token });
    const { token } = await client().auth.signUp.mutate({
      email: "embedded@example.com",
      password: PASSWORD,
      name: "Embedded",
    });
    const pglite = database.embedded!;
    const original = pglite.execProtocolStream.bind(pglite);
    pglite.execProtocolStream = (() => Promise.reject(new Error("wasm trap"))) as typeof original;
    try {
      expect(await failure(client(token).orgs.list.query())).toMatchObject(unavailable);
    } finally {
      pglite.execProtocolStream = original;
    }
    expect(await client(token).orgs.list.query()).toHaveLength(1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
