import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDb, migrateToLatest, type RosterDb } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { pgliteColdStartTimeout, queryCounter } from "@roster/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import { Sealer } from "../src/crypto.js";
import { enqueueEmail, openEmail } from "../src/outbox/enqueue.js";
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
      const row = await database.db.selectFrom("outbox").select("status").executeTakeFirstOrThrow();
      expect(row.status).toBe("sent");
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
