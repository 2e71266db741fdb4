export { type CreateDbOptions, createDb, type RosterDb } from "./create-db.js";
export { isDatabaseUnavailable, markConnectionLost } from "./faults.js";
export { migrateDown, migrateToLatest, migrateToNothing, migrationNames } from "./migrate.js";
export { isPrepared, prepared, runCompiled } from "./prepared.js";
export type * from "./schema.js";
