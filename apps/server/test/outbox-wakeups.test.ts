import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDb, migrateToLatest, type RosterDb } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { pgliteColdStartTimeout, queryCounter } from "@roster/testing";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import { Sealer } from "../src/crypto.js";
import { enqueueEmail, enqueueWebhook, openEmail } from "../src/outbox/enqueue.js";
import { OUTBOX_CHANNEL, OutboxWorker, type OutboxWorkerOptions } from "../src/outbox/worker.js";
import { startServer } from "../src/server.js";
import { silentLogger } from "./helpers.js";

// Every worker here polls once every ten minutes: whatever it delivers within a test's minute, a
// wake-up (NOTIFY or a timer set to a due time) made it happen.
const NEVER_POLLS = 10 * 60 * 1000;
const sealer = new Sealer("test-secret-key-that-is-long-enough-000");
const email = (to: string, subject: string) => ({ to, subject, text: "t", html: "h" });

function worker(database: RosterDb, options: Partial<OutboxWorkerOptions> = {}) {
  return new OutboxWorker({
    db: database.db,
    clock: systemClock,
    logger: silentLogger,
    pollMs: NEVER_POLLS,
    listen: (onNotify, onListening) => database.listen(OUTBOX_CHANNEL, onNotify, onListening),
    handlers: {},
    ...options,
  });
}

const subjectsSent = (sent: { payload: Record<string, unknown> }[]) =>
  sent.map((m) => openEmail(m.payload, sealer).subject);

/** Records the lane of each claim the worker makes (the claim's advisory lock names the kind). */
function claimRecorder(): { claims: string[]; recorder: KyselyPlugin } {
  const claims: string[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: (args) => {
      const text = JSON.stringify(args.node);
      for (const kind of ["email", "webhook"]) if (text.includes(`roster:outbox:${kind}`)) claims.push(kind);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { claims, recorder };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());
beforeEach(async () => {
  await database.db.deleteFrom("outbox").execute();
});

describe("the outbox worker on Postgres", () => {
  it("claims what another instance enqueues once that transaction commits, without polling", async () => {
    const sent: { payload: Record<string, unknown> }[] = [];
    const w = worker(database, { handlers: { email: async (m) => void sent.push(m) } });
    w.start();
    try {
      await sleep(300); // the first pass has run and found nothing
      await database.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, "wake-1", email("a@example.com", "hello"), systemClock(), sealer);
        await sleep(300);
        // Not visible, not announced: the NOTIFY goes out with the commit.
        expect(sent).toEqual([]);
      });
      await expect.poll(() => subjectsSent(sent)).toEqual(["hello"]);
    } finally {
      await w.stop();
    }
  });

  it("comes back for a failed message when its retry is due, without polling", async () => {
    const attempts: number[] = [];
    const w = worker(database, {
      handlers: {
        email: async (m) => {
          attempts.push(m.attempts);
          if (m.attempts === 1) throw new Error("SMTP is down");
        },
      },
    });
    await enqueueEmail(database.db, "retry-1", email("b@example.com", "retry"), systemClock(), sealer);
    w.start();
    try {
      // The first attempt fails; the retry is due 5 s later and nothing else happens meanwhile.
      await expect.poll(() => attempts).toEqual([1, 2]);
      // The handler has returned; the worker records the message as sent right after.
      const status = async () =>
        (await database.db.selectFrom("outbox").select("status").executeTakeFirstOrThrow()).status;
      await expect.poll(status).toBe("sent");
    } finally {
      await w.stop();
    }
  });

  it("takes a recipient's next message as soon as another instance releases that lane", async () => {
    let release!: () => void;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sentBySending: string[] = [];
    // One instance, driven by hand, is sending the recipient's first message and holds its lane.
    const sending = worker(database, {
      handlers: {
        email: async (m) => {
          sentBySending.push(openEmail(m.payload, sealer).subject);
          await first;
        },
      },
    });
    const now = systemClock();
    await enqueueEmail(database.db, "lane-1", email("c@example.com", "first"), now, sealer);
    await enqueueEmail(database.db, "lane-2", email("c@example.com", "second"), now, sealer);
    const pass = sending.runOnce();
    await expect.poll(() => sentBySending).toEqual(["first"]);

    const sentByWaiting: { payload: Record<string, unknown> }[] = [];
    const waiting = worker(database, { handlers: { email: async (m) => void sentByWaiting.push(m) } });
    waiting.start();
    try {
      await sleep(300); // it has looked, and the lane was busy
      expect(sentByWaiting).toEqual([]);
      release();
      await pass;
      await expect.poll(() => subjectsSent(sentByWaiting)).toEqual(["second"]);
    } finally {
      await waiting.stop();
    }
  });

  it("lets a pass under way finish before stop() resolves, so closing the database after it is safe", async () => {
    let release: () => void = () => {};
    let choresStarted = false;
    const w = worker(database, {
      chores: async () => {
        choresStarted = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return 0;
      },
    });
    w.start();
    await expect.poll(() => choresStarted).toBe(true);
    let stopped = false;
    const stopping = w.stop().then(() => {
      stopped = true;
    });
    await sleep(200);
    // The pass is still in its chores: stop() waits for it rather than leaving it to query a closed pool.
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("claims only the lane a wake-up names: an email's wakes no webhook claim, and the reverse", async () => {
    const { claims, recorder } = claimRecorder();
    const notified: string[] = [];
    const unlisten = await database.listen(OUTBOX_CHANNEL, (payload) => void notified.push(payload));
    const sent: string[] = [];
    // The worker's queries go through the recorder; the test's own do not.
    const recorded = worker(database, {
      db: database.db.withPlugin(recorder),
      handlers: {
        email: async (m) => void sent.push(openEmail(m.payload, sealer).subject),
        webhook: async (m) => void sent.push(String(m.payload.event)),
      },
    });
    recorded.start();
    try {
      // The first passes (at start, and once listening) claim every lane.
      await expect.poll(() => claims.slice(0, 2)).toEqual(["email", "webhook"]);
      await sleep(300);
      claims.length = 0;
      notified.length = 0;
      await enqueueEmail(database.db, "kind-1", email("e@example.com", "only email"), systemClock(), sealer);
      await expect.poll(() => sent).toEqual(["only email"]);
      await sleep(300); // the release of its lease wakes the worker again
      expect(notified).toContain("email");
      expect(notified).not.toContain("webhook");
      expect(claims.length).toBeGreaterThan(0);
      expect(claims.filter((kind) => kind !== "email")).toEqual([]);

      claims.length = 0;
      notified.length = 0;
      await enqueueWebhook(
        database.db,
        "kind-2",
        { orgId: "o", endpointId: "e", deliveryId: "d", eventId: "v", event: "member.joined", body: "{}" },
        systemClock(),
      );
      await expect.poll(() => sent).toEqual(["only email", "member.joined"]);
      await sleep(300);
      expect(notified).toContain("webhook");
      expect(notified).not.toContain("email");
      expect(claims.filter((kind) => kind !== "webhook")).toEqual([]);
    } finally {
      await recorded.stop();
      await unlisten();
    }
  });

  it("gathers a stream of wake-ups into few claims, each taking several messages", async () => {
    const { claims, recorder } = claimRecorder();
    const sent: string[] = [];
    const w = worker(database, {
      db: database.db.withPlugin(recorder),
      lanes: { email: { concurrency: 100 } },
      handlers: { email: async (m) => void sent.push(openEmail(m.payload, sealer).subject) },
    });
    w.start();
    try {
      await sleep(300);
      claims.length = 0;
      // Forty messages committed one by one, a few milliseconds apart: forty notifications.
      for (let n = 0; n < 40; n++) {
        await enqueueEmail(
          database.db,
          `stream-${n}`,
          email(`s${n}@example.com`, `s${n}`),
          systemClock(),
          sealer,
        );
        await sleep(3);
      }
      await expect.poll(() => sent.length).toBe(40);
      // One claim each without gathering; about one per 10 ms window with it.
      expect(claims.length).toBeLessThan(25);
    } finally {
      await w.stop();
    }
  });

  it("runs its chores at most once a period, however often it is woken", async () => {
    let chores = 0;
    const w = worker(database, {
      choresEveryMs: 60_000,
      chores: async () => {
        chores += 1;
        return 0;
      },
    });
    w.start();
    try {
      await expect.poll(() => chores).toBe(1); // the first pass
      for (let i = 0; i < 5; i++) {
        w.wake();
        await sleep(50);
      }
      await sleep(200);
      expect(chores).toBe(1);
      // Run by hand, they run at once.
      await w.runChores();
      expect(chores).toBe(2);
    } finally {
      await w.stop();
    }
  });

  it("sends no query at all while the server is idle", async () => {
    // The server as main.ts starts it (worker on, default poll), counting what its database runs.
    const counter = queryCounter();
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      SECRET_KEY: "test-secret-key-that-is-long-enough-000",
      LOG_LEVEL: "silent",
    });
    const server = await startServer({
      config,
      database: { ...database, db: database.db.withPlugin(counter.plugin) },
    });
    try {
      await expect.poll(() => counter.count).toBeGreaterThan(0); // the first pass
      // It has finished once a whole second goes by without a query (a busy machine makes it slow).
      let seen = -1;
      await expect
        .poll(
          () => {
            const settled = counter.count === seen;
            seen = counter.count;
            return settled;
          },
          { interval: 1000 },
        )
        .toBe(true);
      counter.reset();
      await sleep(3000);
      expect(counter.count).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe("the outbox worker on the embedded database", () => {
  let dir: string;
  let embedded: RosterDb;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-outbox-"));
    embedded = await createDb({ dataDir: dir });
    await migrateToLatest(embedded.db);
  }, pgliteColdStartTimeout);
  afterAll(async () => {
    await embedded?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("claims a message once the transaction that enqueued it commits, without polling", async () => {
    const sent: { payload: Record<string, unknown> }[] = [];
    const w = worker(embedded, { handlers: { email: async (m) => void sent.push(m) } });
    w.start();
    try {
      await sleep(300);
      await embedded.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, "pglite-1", email("d@example.com", "embedded"), systemClock(), sealer);
      });
      await expect.poll(() => subjectsSent(sent)).toEqual(["embedded"]);
    } finally {
      await w.stop();
    }
  });
});
