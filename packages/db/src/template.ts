import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrate.js";

/**
 * A new embedded database would spend most of its first start in initdb and the migrations (seconds
 * on a small machine). The build makes that database once, with every migration applied, and dumps
 * it here; a new data folder starts as a copy of it. Migrations added after the build, and folders
 * made by older versions, are still brought forward by `migrateToLatest`.
 */
// Resolved from `dist/` (the build) and from `src/` (tests run from source) alike.
export const pgliteTemplatePath = fileURLToPath(new URL("../dist/pglite-template.tar.gz", import.meta.url));

/**
 * The template made by the build, or undefined when there is none (a source checkout not built).
 * Unzipped here with Node's native zlib: PGlite unpacks a plain tarball seconds faster than a
 * gzipped one, and the file stays small.
 */
export function readPgliteTemplate(path = pgliteTemplatePath): Blob | undefined {
  try {
    return new Blob([gunzipSync(readFileSync(path))]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Makes the template: a new in-memory database, every migration, dumped as a gzipped tarball. */
export async function writePgliteTemplate(path = pgliteTemplatePath): Promise<string[]> {
  const pglite = await PGlite.create();
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ ...createPgConfig(pglite), max: 1 }) }),
  });
  try {
    const applied = await migrateToLatest(db);
    await db.destroy();
    const dump = await pglite.dumpDataDir("gzip");
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
    return applied;
  } finally {
    await pglite.close();
  }
}
