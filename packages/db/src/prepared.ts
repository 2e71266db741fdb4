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
