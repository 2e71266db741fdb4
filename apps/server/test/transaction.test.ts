import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RosterError } from "../src/errors.js";
import { runTransaction, TRANSACTION_ATTEMPTS } from "../src/transaction.js";
import { silentLogger } from "./helpers.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("rate_limits")
    .values([
      { key: "row-a", window_start: new Date(), count: 0 },
      { key: "row-b", window_start: new Date(), count: 0 },
    ])
    .execute();
});
afterAll(() => database?.drop());

describe("runTransaction", () => {
  it("runs a transaction Postgres aborted for a deadlock again, so both callers succeed", async () => {
    const deps = { db: database.db, logger: silentLogger };
    let firstLocks = 0;
    let releaseBoth: () => void = () => {};
    const bothHoldTheirFirstRow = new Promise<void>((resolve) => {
      releaseBoth = resolve;
    });
    const attempts = { ab: 0, ba: 0 };

    // Each locks one row, waits until the other holds its row, then asks for the other's: a cycle
    // Postgres breaks by aborting one of them with 40P01.
    const lockInOrder = (name: "ab" | "ba", first: string, second: string) =>
      runTransaction(deps, async (trx) => {
        attempts[name] += 1;
        const bump = (key: string) =>
          trx.updateTable("rate_limits").set({ count: sql`count + 1` }).where("key", "=", key).execute();
        await bump(first);
        if (attempts[name] === 1) {
          if (++firstLocks === 2) releaseBoth();
          await bothHoldTheirFirstRow;
        }
        await bump(second);
        return name;
      });

    const results = await Promise.allSettled([
      lockInOrder("ab", "row-a", "row-b"),
      lockInOrder("ba", "row-b", "row-a"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    // One of the two lost the deadlock and ran once more.
    expect(attempts.ab + attempts.ba).toBe(3);
    const rows = await database.db
      .selectFrom("rate_limits")
      .select(["key", "count"])
      .orderBy("key")
      .execute();
    expect(rows).toEqual([
      { key: "row-a", count: 2 },
      { key: "row-b", count: 2 },
    ]);
  });

  it("does not run a transaction again for other errors", async () => {
    let attempts = 0;
    const failing = runTransaction({ db: database.db, logger: silentLogger }, async (trx) => {
      attempts += 1;
      await sql`select 1/0`.execute(trx);
    });
    await expect(failing).rejects.toMatchObject({ code: "22012" });
    expect(attempts).toBe(1);
  });

  it("answers TRY_AGAIN, not an internal error, when every attempt was aborted", async () => {
    let attempts = 0;
    const alwaysAborted = runTransaction({ db: database.db, logger: silentLogger }, async () => {
      attempts += 1;
      throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
    });
    const error = await alwaysAborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterError);
    expect(error).toMatchObject({ reason: "TRY_AGAIN", code: "SERVICE_UNAVAILABLE" });
    expect(attempts).toBe(TRANSACTION_ATTEMPTS);
  });
});
