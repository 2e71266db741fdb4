import { sql, type Transaction } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Database, prepared, runCompiled } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

describe("prepared statements", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());

  const preparedOnConnection = (db: TestDatabase["db"]) =>
    sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`
      .execute(db)
      .then((r) => r.rows);

  it("sends a marked statement by name, parsed once per connection, and others unnamed", async () => {
    const byEmail = prepared(
      test.db
        .selectFrom("users")
        .select(["id", "email"])
        .where("email", "=", "someone@example.com")
        .compile(),
    );
    const unmarked = test.db
      .selectFrom("users")
      .select("name")
      .where("email", "=", "x@example.com")
      .compile();
    await test.db.connection().execute(async (db) => {
      await db.insertInto("users").values({ email: "ada@example.com", name: "Ada" }).execute();
      for (const email of ["ada@example.com", "ada@example.com", "nobody@example.com"]) {
        const { rows } = await db.executeQuery({ ...byEmail, parameters: [email] });
        expect(rows.length).toBe(email === "ada@example.com" ? 1 : 0);
      }
      await db.executeQuery(unmarked);
      const statements = await preparedOnConnection(db);
      expect(statements).toHaveLength(1);
      expect(statements[0]?.name).toMatch(/^roster_\d+$/);
      expect(statements[0]?.statement).toBe(byEmail.sql);
    });
  });

  it("refuses a statement that selects every column, which a new column would break", () => {
    expect(() => prepared(test.db.selectFrom("users").selectAll().compile())).toThrow(/names its columns/);
    expect(() =>
      prepared(
        test.db
          .selectFrom("users")
          .innerJoin("sessions", "sessions.user_id", "users.id")
          .selectAll("users")
          .compile(),
      ),
    ).toThrow(/names its columns/);
  });

  it("keeps answering after a column is added to a table it reads", async () => {
    const query = prepared(
      test.db.selectFrom("users").select(["id", "name"]).where("email", "=", "ada@example.com").compile(),
    );
    await test.db.connection().execute(async (db) => {
      expect((await db.executeQuery(query)).rows).toHaveLength(1);
      await sql`alter table users add column nickname text`.execute(db);
      expect((await db.executeQuery(query)).rows).toEqual([{ id: expect.any(String), name: "Ada" }]);
      await sql`alter table users drop column nickname`.execute(db);
    });
  });

  it("runs a compiled statement straight on the pool of a handle createDb made, not through Kysely", async () => {
    await test.db.insertInto("users").values({ email: "grace@example.com", name: "Grace" }).execute();
    const byEmail = test.db
      .selectFrom("users")
      .select(["email", "name"])
      .where("email", "=", "grace@example.com");
    const throughKysely = vi.spyOn(test.db, "executeQuery");
    try {
      expect(await runCompiled(test.db, byEmail.compile())).toEqual([
        { email: "grace@example.com", name: "Grace" },
      ]);
      expect(throughKysely).not.toHaveBeenCalled();
    } finally {
      throughKysely.mockRestore();
    }
  });

  it("runs it on a transaction's own connection, where it sees what the transaction wrote", async () => {
    const byEmail = (db: TestDatabase["db"] | Transaction<Database>) =>
      db.selectFrom("users").select("name").where("email", "=", "uncommitted@example.com").compile();
    await test.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("users").values({ email: "uncommitted@example.com", name: "Not yet" }).execute();
        expect(await runCompiled(trx, byEmail(trx))).toEqual([{ name: "Not yet" }]);
        // Outside the transaction the row does not exist yet.
        expect(await runCompiled(test.db, byEmail(test.db))).toEqual([]);
        throw new Error("roll back");
      })
      .catch((error: Error) => expect(error.message).toBe("roll back"));
    expect(await runCompiled(test.db, byEmail(test.db))).toEqual([]);
  });

  it("asks Postgres to describe a prepared statement's result once per connection", async () => {
    const Connection = (pg as unknown as { Connection: { prototype: { describe: () => void } } }).Connection;
    const describe = vi.spyOn(Connection.prototype, "describe");
    const byEmail = prepared(
      test.db
        .selectFrom("users")
        .select(["id", "email", "name", "created_at", "email_verified_at"])
        .where("email", "=", "ada@example.com")
        .compile(),
    );
    const unmarked = test.db
      .selectFrom("users")
      .select("email")
      .where("email", "=", "x@example.com")
      .compile();
    try {
      await test.db.connection().execute(async (db) => {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push((await db.executeQuery(byEmail)).rows);
        expect(describe).toHaveBeenCalledTimes(1);
        // The rows read with the kept description are the rows read with Postgres's own.
        expect(runs[0]).toHaveLength(1);
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[2]).toEqual(runs[0]);
        expect(runs[2]?.[0]?.created_at).toBeInstanceOf(Date);
        expect(runs[2]?.[0]).toEqual({
          id: expect.any(String),
          email: "ada@example.com",
          name: "Ada",
          created_at: expect.any(Date),
          email_verified_at: null,
        });
        // A statement that is not prepared is described every time, as pg does.
        await db.executeQuery(unmarked);
        await db.executeQuery(unmarked);
        expect(describe).toHaveBeenCalledTimes(3);
        // Other values, other rows: none for an address no one has.
        expect((await db.executeQuery({ ...byEmail, parameters: ["nobody@example.com"] })).rows).toEqual([]);
        expect(describe).toHaveBeenCalledTimes(3);
      });
      // Another connection asks again for its own statement.
      await test.db.connection().execute(async (db) => {
        await db.executeQuery(byEmail);
        await db.executeQuery(byEmail);
      });
      expect(describe.mock.calls.length).toBeLessThanOrEqual(4);
    } finally {
      describe.mockRestore();
    }
  });

  it("fails only the run whose values cannot be sent, and the connection goes on", async () => {
    const byName = prepared(test.db.selectFrom("users").select("email").where("name", "=", "Ada").compile());
    await test.db.connection().execute(async (db) => {
      expect((await db.executeQuery(byName)).rows).toEqual([{ email: "ada@example.com" }]);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(db.executeQuery({ ...byName, parameters: [circular] })).rejects.toThrow(/circular/i);
      expect((await db.executeQuery(byName)).rows).toEqual([{ email: "ada@example.com" }]);
      expect((await sql<{ n: number }>`select 1 as n`.execute(db)).rows).toEqual([{ n: 1 }]);
    });
  });
});
