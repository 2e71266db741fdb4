import type { CompiledQuery } from "kysely";
import type pg from "pg";

/**
 * Statements sent as named prepared statements: each connection parses and plans them once, then
 * only binds values. For a hot statement (the session check, a page of members) parsing and
 * planning cost Postgres more than running it (docs/benchmarks.md). Only statements of a fixed
 * text belong here, a bounded set: the key is the SQL text, which Kysely compiles the same for the
 * same shape.
 */
const names = new Map<string, string>();

/** Marks a compiled statement's text as prepared on every connection that runs it. */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  // Postgres refuses to run a prepared statement whose result changed shape ("cached plan must not
  // change result type"): `select *` would fail on every connection once a migration adds a column.
  if (/select\s+\*|\.\*/i.test(query.sql)) {
    throw new Error(`A prepared statement names its columns; this one selects *: ${query.sql.slice(0, 80)}`);
  }
  if (!names.has(query.sql)) names.set(query.sql, `roster_${names.size + 1}`);
  return query;
}

/** Whether `text` is sent as a prepared statement (Postgres may run it with a generic plan). */
export const isPrepared = (text: string): boolean => names.has(text);

type Query = (...args: unknown[]) => unknown;

/**
 * Sends the statements marked by `prepared` with their name (pg's `{ name, text, values }`), the
 * way Kysely cannot ask for: it calls `client.query(sql, parameters)`.
 */
export function prepareOnClient(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (...args: unknown[]) => {
    const [text, values] = args;
    const name = typeof text === "string" ? names.get(text) : undefined;
    return name && Array.isArray(values) && args.length === 2
      ? query({ name, text, values })
      : query(...args);
  };
}

/** The pg pool behind each database handle `createDb` made (see `runCompiled`). */
const pools = new WeakMap<object, pg.Pool>();

/** Records the pool behind a handle `createDb` made. */
export function attachPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs a compiled statement (a hot one, usually marked by `prepared`) and returns its rows. On a
 * handle `createDb` made, it checks a client out of the pool, runs the statement on it and returns
 * it, which is what Kysely's executor does, without the layers of promises and objects it adds to
 * every statement (a tenth of a small request's allocations). On any other handle — a transaction,
 * one connection (`db.connection()`) — the statement must run where that handle runs, so it goes
 * through Kysely.
 */
export async function runCompiled<R>(
  db: { executeQuery<O>(query: CompiledQuery<O>): Promise<{ rows: O[] }> },
  query: CompiledQuery<R>,
): Promise<R[]> {
  const pool = pools.get(db);
  if (!pool) return (await db.executeQuery(query)).rows;
  const client = await pool.connect();
  try {
    return (await client.query(query.sql, query.parameters as unknown[])).rows as R[];
  } finally {
    client.release();
  }
}
