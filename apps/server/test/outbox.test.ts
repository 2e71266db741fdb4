import { setTimeout as sleep } from "node:timers/promises";
import type { OutboxMessage } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Sealer } from "../src/crypto.js";
import { enqueueEmail, enqueueWebhook, openEmail } from "../src/outbox/enqueue.js";
import { OutboxWorker } from "../src/outbox/worker.js";
import { silentLogger, testClock } from "./helpers.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());
beforeEach(async () => {
  await database.db.deleteFrom("outbox").execute();
});

const sealer = new Sealer("test-secret-key-that-is-long-enough-000");
const subject = (m: OutboxMessage) => openEmail(m.payload, sealer).subject;

async function waitUntil(check: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await sleep(5);
  }
}

describe("the outbox lease", () => {
  it("is renewed while a send is in progress, so a send slower than the lease is not sent again", async () => {
    const clock = testClock();
    const db = database.db;
    await enqueueEmail(
      db,
      "slow-1",
      { to: "p@example.com", subject: "m1", text: "t", html: "h" },
      clock(),
      sealer,
    );
    const sent: string[] = [];
    const other = new OutboxWorker({
      db,
      clock,
      logger: silentLogger,
      handlers: { email: async (m) => void sent.push(`other:${subject(m)}`) },
    });
    const slow = new OutboxWorker({
      db,
      clock,
      logger: silentLogger,
      leaseSeconds: 60,
      heartbeatMs: 10,
      handlers: {
        email: async (m) => {
          sent.push(`slow:${subject(m)}`);
          // Four minutes of sending against a 60 s lease; another instance keeps looking.
          for (let i = 0; i < 6; i += 1) {
            clock.advance(40);
            await sleep(60);
            expect(await other.runOnce()).toBe(0);
          }
        },
      },
    });
    expect(await slow.runOnce()).toBe(1);
    expect(sent).toEqual(["slow:m1"]);
    const rows = await db.selectFrom("outbox").select(["status", "attempts"]).execute();
    expect(rows).toEqual([{ status: "sent", attempts: 1 }]);
  });
});

describe("outbox lanes", () => {
  it("keeps at most `perKey` messages in flight per endpoint and one per recipient, across instances", async () => {
    const clock = testClock();
    const db = database.db;
    const hook = (endpointId: string, n: number) =>
      enqueueWebhook(
        db,
        `hook-${endpointId}-${n}`,
        { orgId: "o", endpointId, deliveryId: `d${n}`, eventId: `e${n}`, event: "x", body: "{}" },
        clock(),
      );
    for (let n = 1; n <= 5; n += 1) await hook("endpoint-a", n);
    await hook("endpoint-b", 6);
    for (const n of [1, 2, 3]) {
      await enqueueEmail(
        db,
        `x-${n}`,
        { to: "X@example.com", subject: `x${n}`, text: "t", html: "h" },
        clock(),
        sealer,
      );
    }
    await enqueueEmail(
      db,
      "y-1",
      { to: "y@example.com", subject: "y1", text: "t", html: "h" },
      clock(),
      sealer,
    );

    const active: string[] = [];
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const record = async (m: OutboxMessage) => {
      const name =
        m.kind === "email" ? subject(m) : `${(m.payload as { endpointId: string }).endpointId}:${m.id}`;
      active.push(name);
      await gate;
      finished.push(name);
    };
    const lanes = { webhook: { perKey: 2 } };
    const first = new OutboxWorker({
      db,
      clock,
      logger: silentLogger,
      lanes,
      handlers: { email: record, webhook: record },
    });
    const pass = first.runOnce();
    await waitUntil(() => active.length >= 5);
    await sleep(50);
    expect(active.filter((a) => a.startsWith("endpoint-a"))).toHaveLength(2);
    expect(active.filter((a) => a.startsWith("endpoint-b"))).toHaveLength(1);
    expect(active.filter((a) => a.startsWith("x"))).toEqual(["x1"]);
    expect(active.filter((a) => a.startsWith("y"))).toEqual(["y1"]);

    // Another instance finds every lane full.
    const second = new OutboxWorker({
      db,
      clock,
      logger: silentLogger,
      lanes,
      handlers: { email: async () => {}, webhook: async () => {} },
    });
    expect(await second.runOnce()).toBe(0);

    release();
    expect(await pass).toBe(5);
    expect(await first.drain()).toBe(5);
    expect(finished.filter((a) => /^x/.test(a))).toEqual(["x1", "x2", "x3"]);
    const left = await db.selectFrom("outbox").select("id").where("status", "<>", "sent").execute();
    expect(left).toEqual([]);
  });
});

describe("pruning", () => {
  it("deletes expired sessions, stale rate limits, old tokens and old outbox rows, in bounded batches", async () => {
    const clock = testClock();
    const db = database.db;
    const t0 = clock();
    const ago = (seconds: number) => new Date(t0.getTime() - seconds * 1000);
    const day = 24 * 3600;
    const user = await db
      .insertInto("users")
      .values({ email: "prune@example.com", name: "Prune" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const session = (id: string, expires: Date) => ({
      id,
      user_id: user.id,
      secret_hash: new Uint8Array(32),
      created_at: ago(40 * day),
      expires_at: expires,
      last_seen_at: ago(40 * day),
      user_agent: null,
      ip: null,
    });
    await db
      .insertInto("sessions")
      .values([
        session("expired-1", ago(1)),
        session("expired-2", ago(day)),
        session("expired-3", ago(30 * day)),
        session("live", new Date(t0.getTime() + 1000)),
      ])
      .execute();
    await db
      .insertInto("rate_limits")
      .values([
        { key: "old", window_start: ago(2 * day), count: 3 },
        { key: "recent", window_start: ago(3600), count: 3 },
      ])
      .execute();
    const token = (kind: "verify_email" | "reset_password", expires: Date) => ({
      user_id: user.id,
      kind,
      email: "prune@example.com",
      token_hash: new Uint8Array(32).fill(expires.getTime() % 251),
      expires_at: expires,
      used_at: null,
      created_at: ago(30 * day),
    });
    await db
      .insertInto("email_tokens")
      .values([
        token("verify_email", ago(8 * day)),
        token("reset_password", ago(day)),
        token("reset_password", new Date(t0.getTime() + 3600_000)),
      ])
      .execute();
    const row = (key: string, status: "sent" | "dead" | "pending", created: Date, sent: Date | null) => ({
      kind: "email" as const,
      idempotency_key: key,
      lane_key: "p@example.com",
      payload: JSON.stringify({ to: "p@example.com", subject: key }),
      status,
      next_attempt_at: created,
      created_at: created,
      sent_at: sent,
    });
    await db
      .insertInto("outbox")
      .values([
        row("sent-old", "sent", ago(9 * day), ago(8 * day)),
        row("sent-recent", "sent", ago(2 * day), ago(6 * day)),
        row("dead-old", "dead", ago(31 * day), null),
        row("dead-recent", "dead", ago(20 * day), null),
        row("pending-old", "pending", ago(60 * day), null),
      ])
      .execute();

    const worker = new OutboxWorker({
      db,
      clock,
      logger: silentLogger,
      handlers: {},
      prune: { batchSize: 2, maxBatches: 1 },
    });
    // Two rows per table per run: the third expired session waits for the next run.
    expect(await worker.prune()).toEqual({
      sessions: 2,
      rate_limits: 1,
      email_tokens: 1,
      outbox: 2,
      events: 0,
    });
    expect(await worker.prune()).toEqual({
      sessions: 1,
      rate_limits: 0,
      email_tokens: 0,
      outbox: 0,
      events: 0,
    });
    expect(await db.selectFrom("sessions").select("id").execute()).toEqual([{ id: "live" }]);
    expect(await db.selectFrom("rate_limits").select("key").execute()).toEqual([{ key: "recent" }]);
    expect(await db.selectFrom("email_tokens").select("kind").orderBy("expires_at").execute()).toEqual([
      { kind: "reset_password" },
      { kind: "reset_password" },
    ]);
    const kept = await db.selectFrom("outbox").select("idempotency_key").orderBy("id").execute();
    expect(kept.map((r) => r.idempotency_key)).toEqual(["sent-recent", "dead-recent", "pending-old"]);

    // A running worker prunes on its own, by its clock: a week later the rest has gone too.
    clock.advance(7 * day);
    const running = new OutboxWorker({ db, clock, logger: silentLogger, handlers: {}, pollMs: 10 });
    running.start();
    try {
      const until = Date.now() + 3000;
      for (;;) {
        const rows = await db.selectFrom("outbox").select("idempotency_key").execute();
        const tokens = await db.selectFrom("email_tokens").select("id").execute();
        if (rows.length === 2 && tokens.length === 1) break;
        if (Date.now() > until) throw new Error(`not pruned: ${JSON.stringify(rows)}`);
        await sleep(20);
      }
    } finally {
      await running.stop();
    }
  });
});
