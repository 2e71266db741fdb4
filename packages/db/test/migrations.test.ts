import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgliteColdStartTimeout } from "@roster/testing";
import { type Kysely, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, migrateDown, migrateToLatest, migrateToNothing, migrationNames } from "../src/index.js";
import { pgliteTemplatePath } from "../src/template.js";
import { createTestDatabase } from "../src/testing.js";

async function tableNames<T>(db: Kysely<T>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

describe("migrations on Postgres", () => {
  it("apply up to the latest, revert one at a time, and apply again", async () => {
    const test = await createTestDatabase({ migrate: false });
    try {
      expect(await migrateToLatest(test.db)).toEqual(migrationNames);
      expect(await tableNames(test.db)).toContain("users");
      expect(await migrateToLatest(test.db)).toEqual([]);

      for (const name of [...migrationNames].reverse()) {
        expect(await migrateDown(test.db)).toEqual([name]);
      }
      expect(await tableNames(test.db)).toEqual([]);
      expect(await migrateToLatest(test.db)).toEqual(migrationNames);
    } finally {
      await test.drop();
    }
  });

  it("keeps one account per email address whatever its letter case", async () => {
    const test = await createTestDatabase();
    try {
      await test.db.insertInto("users").values({ email: "Ada@Example.com", name: "Ada" }).execute();
      await expect(
        test.db.insertInto("users").values({ email: "ada@example.COM", name: "Other" }).execute(),
      ).rejects.toMatchObject({ code: "23505" });
      const count = await test.db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst();
      expect(Number(count?.n)).toBe(1);
    } finally {
      await test.drop();
    }
  });
});

describe("migrations on embedded PGlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-pglite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "apply, revert and persist in the data folder",
    async () => {
      const first = await createDb({ dataDir: dir, fromTemplate: false });
      expect(first.kind).toBe("pglite");
      expect(await migrateToLatest(first.db)).toEqual(migrationNames);
      await first.db.insertInto("users").values({ email: "grace@example.com", name: "Grace" }).execute();
      await first.close();

      const again = await createDb({ dataDir: dir });
      try {
        expect(await migrateToLatest(again.db)).toEqual([]);
        const user = await again.db.selectFrom("users").select("name").executeTakeFirstOrThrow();
        expect(user.name).toBe("Grace");
        await expect(
          again.db.insertInto("users").values({ email: "GRACE@example.com", name: "Copy" }).execute(),
        ).rejects.toThrow(/duplicate key/);
        expect(await migrateToNothing(again.db)).toEqual([...migrationNames].reverse());
        expect(await tableNames(again.db)).toEqual([]);
      } finally {
        await again.close();
      }
    },
    2 * pgliteColdStartTimeout,
  );
});

describe("a new embedded data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-pglite-template-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "starts from the build's template with every migration applied, and persists",
    async () => {
      expect(existsSync(pgliteTemplatePath)).toBe(true);
      const dataDir = join(dir, "new");
      const first = await createDb({ dataDir });
      try {
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          first.db,
        );
        expect(rows.map((r) => r.name)).toEqual([...migrationNames].sort());
        expect(await migrateToLatest(first.db)).toEqual([]);
        await first.db.insertInto("users").values({ email: "ada@example.com", name: "Ada" }).execute();
      } finally {
        await first.close();
      }
      // Opened again, the folder is used as it is: not replaced by the template.
      const again = await createDb({ dataDir });
      try {
        const user = await again.db.selectFrom("users").select("name").executeTakeFirstOrThrow();
        expect(user.name).toBe("Ada");
      } finally {
        await again.close();
      }
    },
    2 * pgliteColdStartTimeout,
  );

  it(
    "made by an older version (fewer migrations) is migrated forward, keeping its rows",
    async () => {
      const dataDir = join(dir, "older");
      const old = await createDb({ dataDir, fromTemplate: false });
      const newest = migrationNames.slice(-3);
      try {
        await migrateToLatest(old.db);
        for (const _ of newest) await migrateDown(old.db);
        await old.db.insertInto("users").values({ email: "lin@example.com", name: "Lin" }).execute();
      } finally {
        await old.close();
      }
      const upgraded = await createDb({ dataDir });
      try {
        expect(await migrateToLatest(upgraded.db)).toEqual(newest);
        const user = await upgraded.db.selectFrom("users").select("name").executeTakeFirstOrThrow();
        expect(user.name).toBe("Lin");
      } finally {
        await upgraded.close();
      }
    },
    3 * pgliteColdStartTimeout,
  );
});
