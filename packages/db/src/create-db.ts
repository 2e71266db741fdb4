import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

// Postgres `bigint` (bigserial ids, counts) arrives as a string; keep it a string to stay exact,
// but parse `numeric` sums the same way callers expect (as strings) — nothing to change there.

export interface CreateDbOptions {
  /** A Postgres connection string. Without it, an embedded PGlite database is used. */
  url?: string | undefined;
  /** Folder for the embedded database (default `.roster/data`). Ignored with `url`. */
  dataDir?: string | undefined;
  /** Largest number of pooled connections to Postgres (default 10). */
  poolSize?: number | undefined;
  /**
   * Called when an idle pooled connection fails (the server restarted, or an admin ended it).
   * The pool replaces the connection; without a handler such an error would end the process.
   */
  onPoolError?: ((error: Error) => void) | undefined;
}

const logPoolError = (error: Error) =>
  process.stderr.write(
    `${JSON.stringify({ level: "warn", msg: "database connection lost", error: error.message })}\n`,
  );

export interface RosterDb {
  db: Kysely<Database>;
  /** `postgres` for a server reached by URL, `pglite` for the embedded database. */
  kind: "postgres" | "pglite";
  /** Ends the pool (and the embedded database, if any). */
  close(): Promise<void>;
}

export async function createDb(options: CreateDbOptions = {}): Promise<RosterDb> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on("error", options.onPoolError ?? logPoolError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }

  const dataDir = resolve(options.dataDir ?? ".roster/data");
  mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir });
  // PGlite is a single connection: the pool must never hand out a second one.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "pglite",
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
