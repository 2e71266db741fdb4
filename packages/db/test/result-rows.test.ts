import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

/**
 * Rows as `pg` builds them (patches/pg@8.23.1.patch builds a result's empty row as a plain object,
 * which V8 keeps in fast mode): every column is an own property of an ordinary object, and a column
 * named after an inherited member is still just a column, never the row's prototype.
 */
describe("result rows", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());

  it("gives each column as an own property of a plain object", async () => {
    const { rows } = await sql<{ a: number; b: string | null }>`select 1::int as a, null::text as b`.execute(
      test.db,
    );
    expect(rows).toEqual([{ a: 1, b: null }]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it("keeps a column named __proto__ a column: it cannot set the row's prototype", async () => {
    const { rows } = await sql<Record<string, unknown>>`
      select '{"polluted": true}'::json as "__proto__", 2 as a
      union all select null, 3`.execute(test.db);
    for (const row of rows) {
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.hasOwn(row, "__proto__")).toBe(true);
      expect((row as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(Object.getOwnPropertyDescriptor(rows[0], "__proto__")?.value).toEqual({ polluted: true });
    expect(rows.map((r) => r.a)).toEqual([2, 3]);
  });

  it("keeps columns named like Object's own members as columns", async () => {
    const { rows } = await sql<Record<string, unknown>>`
      select 1 as constructor, 'x' as "toString", 3 as "hasOwnProperty"`.execute(test.db);
    expect(rows[0]).toEqual({ constructor: 1, toString: "x", hasOwnProperty: 3 });
  });
});
