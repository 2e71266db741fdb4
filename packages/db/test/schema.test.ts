import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { schemaColumns } from "../src/columns.js";
import { createTestDatabase } from "../src/testing.js";

describe("the migrated schema", () => {
  it("has exactly the tables and columns of the hand-written Database types", async () => {
    const test = await createTestDatabase();
    try {
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = 'public' and table_name not like 'kysely_%'`.execute(test.db);
      const migrated = rows.map((r) => `${r.table_name}.${r.column_name}`).sort();
      const typed = Object.entries(schemaColumns)
        .flatMap(([table, columns]) => columns.map((column) => `${table}.${column}`))
        .sort();
      expect(migrated).toEqual(typed);
    } finally {
      await test.drop();
    }
  });
});
