import type { Database } from "@roster/db";
import type { InsertQueryBuilder, InsertResult, QueryCreator } from "kysely";

/**
 * An insert that returns nothing (new invitations, their emails), sent as a data-modifying `WITH`
 * of another statement of the same transaction, so that it costs no round trip of its own. Every
 * part of such a statement sees the same snapshot, and none sees the rows another part writes; a
 * failure of any part fails the statement. Postgres runs each part once, whether the statement
 * reads it or not.
 */
export type Alongside = (db: QueryCreator<Database>) => Insert;

/** An insert into any one table, returning nothing. */
type Insert = { [T in keyof Database]: InsertQueryBuilder<Database, T, InsertResult> }[keyof Database];

/** `db` with each of `writes` as a `WITH` query (named `w0`, `w1`, …) of the statement built from it. */
export function withWrites(db: QueryCreator<Database>, writes: readonly Alongside[]): QueryCreator<Database> {
  let out = db;
  for (const [i, write] of writes.entries()) out = out.with(`w${i}`, write) as QueryCreator<Database>;
  return out;
}

/** Runs `writes` on their own, in one statement (the last one carries the others). */
export async function runWrites(db: QueryCreator<Database>, writes: readonly Alongside[]): Promise<void> {
  const last = writes.at(-1);
  if (!last) return;
  await last(withWrites(db, writes.slice(0, -1))).execute();
}
