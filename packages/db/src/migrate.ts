import { type Kysely, type MigrationResultSet, Migrator } from "kysely";
import { migrations } from "./migrations/index.js";

function migratorFor(db: Kysely<unknown>): Migrator {
  // Migrations that touch different tables may land in a different order than their numbers (a
  // database that already ran 0009 still takes 0008): run whatever has not run yet.
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    const where = failed ? ` in migration ${failed.migrationName}` : "";
    throw new Error(`Database migration failed${where}: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Applies every migration not yet applied, in order. Returns the names applied. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  return unwrap(await migratorFor(db as Kysely<unknown>).migrateToLatest());
}

/** Reverts the most recent migration. Returns the names reverted. */
export async function migrateDown<T>(db: Kysely<T>): Promise<string[]> {
  return unwrap(await migratorFor(db as Kysely<unknown>).migrateDown());
}

/** Reverts every migration. */
export async function migrateToNothing<T>(db: Kysely<T>): Promise<string[]> {
  const { NO_MIGRATIONS } = await import("kysely");
  return unwrap(await migratorFor(db as Kysely<unknown>).migrateTo(NO_MIGRATIONS));
}

export const migrationNames: readonly string[] = Object.keys(migrations);
