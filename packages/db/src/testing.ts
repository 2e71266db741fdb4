import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type RosterDb } from "./create-db.js";
import { migrateToLatest } from "./migrate.js";

export const defaultTestDatabaseUrl = "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase extends RosterDb {
  /** Connection string of the fresh database. */
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the real Postgres named by `TEST_DATABASE_URL` (default
 * postgres://postgres@127.0.0.1:5432/postgres), migrated to the latest schema unless told not to.
 * Each test file makes its own and drops it when done, so files never share state.
 */
export async function createTestDatabase(
  options: { migrate?: boolean; poolSize?: number } = {},
): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL || defaultTestDatabaseUrl;
  const name = `roster_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Dropping the database ends its connections; that is expected here, not worth a warning.
  const roster = await createDb({
    url: url.toString(),
    poolSize: options.poolSize ?? 20,
    onPoolError: () => {},
  });
  if (options.migrate !== false) await migrateToLatest(roster.db);
  let dropped = false;
  return {
    ...roster,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await roster.close();
      await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
