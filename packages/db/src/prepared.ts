import type { CompiledQuery } from "kysely";
import pg from "pg";
import pgUtils from "pg/lib/utils.js";

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

/** The parts of pg's `Query` (pg/lib/query.js) and `Connection` that `DescribedOnce` builds on. */
interface PgQuery {
  name: string;
  text: string;
  types: unknown;
  values: unknown[];
  portal: string;
  binary?: boolean;
  rows?: number;
  callback?: unknown;
  _result: PgResult;
  _accumulateRows: boolean;
  hasBeenParsed(connection: PgConnection): boolean;
  handleRowDescription(message: RowDescription): void;
  listenerCount(event: string): number;
  handleError(error: unknown, connection: PgConnection): void;
  _getRows(connection: PgConnection, rows: number | undefined): void;
}
interface PgConnection {
  submittedNamedStatements: Record<string, string>;
  parse(options: object): void;
  bind(options: object): void;
  describe(options: object): void;
  sync(): void;
}
type RowDescription = { fields: unknown[] };
/** What pg's `Result.addFields` derives from a description: the fields, their parsers, a row's shape. */
interface PgResult {
  fields: unknown[];
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
}
type Described = Pick<PgResult, "fields" | "_parsers" | "_prebuiltEmptyResultObject">;

/**
 * What each connection's statements return, as Postgres described them the first time, with what pg
 * derived from it (read-only from then on: each row copies the prebuilt one).
 */
const descriptions = new WeakMap<PgConnection, Map<string, Described>>();

const QueryBase = pg.Query as unknown as new (
  config: { name: string; text: string; values: unknown[] },
  values: undefined,
  callback: (error: Error | null, result: pg.QueryResult) => void,
) => PgQuery;

/**
 * A named statement's run, as pg's own (parse once per connection, bind, describe, execute, sync),
 * with two differences:
 * - Postgres describes the statement's result once per connection. pg asks on every run, and
 *   parsing that description (a field per column: name, table, type, format) was a sizeable part of
 *   what a small request allocates. Later runs use the description kept for that connection. A
 *   statement's result cannot change shape while it stays prepared: Postgres refuses to run it
 *   then ("cached plan must not change result type"), and `prepared` refuses `select *`.
 * - A value that cannot be sent fails that run alone. pg also closes the statement then, yet still
 *   counts it as parsed, so every later run of it on that connection failed ("prepared statement
 *   does not exist"); here the statement stays prepared.
 */
class DescribedOnce extends QueryBase {
  private describing: PgConnection | null = null;

  prepare(connection: PgConnection): void {
    if (!this.hasBeenParsed(connection)) {
      connection.parse({ text: this.text, name: this.name, types: this.types });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    try {
      connection.bind({
        portal: this.portal,
        statement: this.name,
        values: this.values,
        binary: this.binary,
        valueMapper: pgUtils.prepareValue,
      });
    } catch (error) {
      connection.sync();
      this.handleError(error, connection);
      return;
    }
    const known = descriptions.get(connection)?.get(this.name);
    if (known) {
      // pg's handleRowDescription on a fresh result, with addFields' work already done.
      this._result.fields = known.fields;
      this._result._parsers = known._parsers;
      this._result._prebuiltEmptyResultObject = known._prebuiltEmptyResultObject;
      this._accumulateRows = Boolean(this.callback) || this.listenerCount("row") === 0;
    } else {
      this.describing = connection;
      connection.describe({ type: "P", name: this.portal });
    }
    this._getRows(connection, this.rows);
  }

  override handleRowDescription(message: RowDescription): void {
    super.handleRowDescription(message);
    if (this.describing) {
      let statements = descriptions.get(this.describing);
      if (!statements) {
        statements = new Map();
        descriptions.set(this.describing, statements);
      }
      const { fields, _parsers, _prebuiltEmptyResultObject } = this._result;
      statements.set(this.name, { fields, _parsers, _prebuiltEmptyResultObject });
      this.describing = null;
    }
  }
}

/**
 * Sends the statements marked by `prepared` with their name, described once per connection
 * (`DescribedOnce`), the way Kysely cannot ask for: it calls `client.query(sql, parameters)`.
 */
export function prepareOnClient(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (...args: unknown[]) => {
    const [text, values] = args;
    const name = typeof text === "string" ? names.get(text) : undefined;
    if (!name || !Array.isArray(values) || args.length !== 2) return query(...args);
    return new Promise<pg.QueryResult>((resolve, reject) => {
      query(
        new DescribedOnce({ name, text: text as string, values }, undefined, (error, result) =>
          error ? reject(error) : resolve(result),
        ),
      );
    });
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
