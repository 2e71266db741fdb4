import type { OutboxMessage } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueEmail } from "../src/outbox/enqueue.js";
import { OutboxWorker } from "../src/outbox/worker.js";
import { silentLogger, testClock } from "./helpers.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe("the outbox lease", () => {
  it("is renewed before each send, so a message re-claimed by another instance during a long pass is sent once", async () => {
    const clock = testClock();
    const db = database.db;
    for (const n of [1, 2, 3]) {
      await enqueueEmail(
        db,
        `lease-${n}`,
        { to: `p${n}@example.com`, subject: `m${n}`, text: "t", html: "h" },
        clock(),
      );
    }
    const sent: string[] = [];
    const subject = (m: OutboxMessage) => String((m.payload as { subject: string }).subject);
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
      handlers: {
        email: async (m) => {
          // Each send takes 40 s: the batch's 60 s lease runs out while the second one is sent,
          // and another instance claims what this one has not started yet.
          sent.push(`slow:${subject(m)}`);
          clock.advance(40);
          if (sent.length === 2) await other.runOnce();
        },
      },
    });
    expect(await slow.runOnce()).toBe(3);
    expect(sent).toEqual(["slow:m1", "slow:m2", "other:m3"]);
    const rows = await db.selectFrom("outbox").select(["status", "attempts"]).orderBy("id").execute();
    expect(rows).toEqual([
      { status: "sent", attempts: 1 },
      { status: "sent", attempts: 1 },
      { status: "sent", attempts: 2 },
    ]);
  });
});
