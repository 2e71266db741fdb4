import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { markConnectionLost } from "./faults.js";
import { attachPool, prepareOnClient } from "./prepared.js";
import type { Database } from "./schema.js";
import { rosterTypes } from "./timestamps.js";

// Postgres `bigint` (bigserial ids, counts) arrives as a string; keep it a string to stay exact,
// but parse `numeric` sums the same way callers expect (as strings) — nothing to change there.

export interface CreateDbOptions {
  /** A Postgres connection string. Without it, an embedded PGlite database is used. */
  url?: string | undefined;
  /** Folder for the embedded database (default `.roster/data`). Ignored with `url`. */
  dataDir?: string | undefined;
  /** Largest number of pooled connections to Postgres (default 10). */
  poolSize?: number | undefined;
  /** How long to wait for a new connection before failing the query (default 10 s; also bounds waiting for a free pooled connection). */
  connectTimeoutMs?: number | undefined;
  /**
   * Called when a pooled connection fails, idle or in use (Postgres restarted, an admin ended the
   * backend, PGlite failed). The query in flight fails; the pool replaces the connection. Without
   * a listener such an error would end the process.
   */
  onPoolError?: ((error: Error) => void) | undefined;
  /**
   * A new embedded data folder starts as a copy of the build's migrated template (default true);
   * false runs initdb, leaving every migration to `migrateToLatest`.
   */
  fromTemplate?: boolean | undefined;
}

const logPoolError = (error: Error) =>
  process.stderr.write(
    `${JSON.stringify({ level: "warn", msg: "database connection lost", error: error.message })}\n`,
  );

export interface RosterDb {
  db: Kysely<Database>;
  /** `postgres` for a server reached by URL, `pglite` for the embedded database. */
  kind: "postgres" | "pglite";
  /** The embedded database itself (only for `pglite`), for tools and fault tests. */
  embedded?: PGlite;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (delivered when the notifying transaction
   * commits). On Postgres the subscription has a connection of its own, outside the pool, and is
   * made again after that connection is lost; `onListening` runs each time the subscription is in
   * place, so a caller can look for what it may have missed meanwhile. Resolves to a function that
   * ends the subscription.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListening?: () => void,
  ): Promise<() => Promise<void>>;
  /** Ends the pool (and the embedded database, if any). */
  close(): Promise<void>;
}

/** Waits before the next attempt to subscribe again: 1 s, 2 s, 4 s, … at most 30 s. */
const resubscribeDelayMs = (failures: number) => Math.min(1000 * 2 ** failures, 30_000);

/** LISTEN on a connection of its own, made again (with backoff) whenever it is lost. */
async function listenOnPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onListening: () => void,
  onError: (error: Error) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  const subscribe = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, keepAlive: true });
    client = next;
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners();
      next.on("error", () => {});
      next.end().catch(() => {});
      if (error) onError(error);
      if (stopped) return;
      retry = setTimeout(() => void subscribe(), resubscribeDelayMs(failures));
      failures += 1;
    };
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify(message.payload ?? "");
    });
    next.on("error", lost);
    next.on("end", () => lost());
    try {
      await next.connect();
      await next.query(`listen ${pg.escapeIdentifier(channel)}`);
      failures = 0;
      onListening();
    } catch (error) {
      lost(error as Error);
    }
  };
  await subscribe();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  };
}

/**
 * pg-pool listens for errors only on idle clients; a client that is checked out (a running
 * transaction, kysely between two queries) emits `error` with no listener, which ends the process.
 * Listen on every client for its whole life; the failed query rejects on its own. With `prepare`,
 * the statements marked by `prepared` are sent as named prepared statements.
 */
function guardPool(pool: pg.Pool, onError: (error: Error) => void, prepare: boolean) {
  // An idle client's error reaches both listeners; report it once, from the client's.
  pool.on("error", markConnectionLost);
  pool.on("connect", (client) => {
    client.on("error", (error) => {
      markConnectionLost(error);
      onError(error);
    });
    retireOnFatal(client);
    if (prepare) prepareOnClient(client);
  });
}

/**
 * A backend that reports a FATAL error (an admin ended it, the server is shutting down) is gone,
 * but its socket closes a moment later — longer on a busy machine. pg fails the query in flight
 * and the client goes back to the pool still looking usable, so the next request would get a dead
 * connection. Mark it unusable at once, the same mark pg sets on a socket error, so pg-pool
 * discards it on release instead of handing it out.
 */
function retireOnFatal(client: pg.PoolClient) {
  const internals = client as unknown as {
    connection?: { on(event: "errorMessage", listener: (message: { severity?: string }) => void): void };
    _queryable: boolean;
  };
  internals.connection?.on("errorMessage", (message) => {
    if (message.severity === "FATAL" || message.severity === "PANIC") internals._queryable = false;
  });
}

export async function createDb(options: CreateDbOptions = {}): Promise<RosterDb> {
  if (options.url) {
    const pool = new pg.Pool({
      types: rosterTypes,
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
    });
    guardPool(pool, options.onPoolError ?? logPoolError, true);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    attachPool(db, pool);
    const url = options.url;
    return {
      db,
      kind: "postgres",
      listen: (channel, onNotify, onListening = () => {}) =>
        listenOnPostgres(url, channel, onNotify, onListening, options.onPoolError ?? logPoolError),
      close: () => db.destroy(),
    };
  }

  const dataDir = resolve(options.dataDir ?? ".roster/data");
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  // The embedded database's modules are loaded only when it is used (not on Postgres).
  const [{ PGlite }, { createPgConfig }, { readPgliteTemplate }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/node-postgres"),
    import("./template.js"),
  ]);
  const template = fresh && options.fromTemplate !== false ? readPgliteTemplate() : undefined;
  const pglite = await PGlite.create({ dataDir, ...(template ? { loadDataDir: template } : {}) });
  // PGlite is a single connection: the pool must never hand out a second one.
  const pool = new pg.Pool({ ...createPgConfig(pglite), types: rosterTypes, max: 1 });
  // No prepared statements: PGlite is one backend, whose statements outlive a pool client replaced
  // after a fault, and the new client would prepare them again under the same names.
  guardPool(pool, options.onPoolError ?? logPoolError, false);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  attachPool(db, pool);
  return {
    db,
    kind: "pglite",
    embedded: pglite,
    // PGlite is in this process: its notifications cannot be lost, and there is nothing to reconnect.
    async listen(channel, onNotify, onListening = () => {}) {
      const unlisten = await pglite.listen(channel, onNotify);
      onListening();
      return () => unlisten().catch(() => {});
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
