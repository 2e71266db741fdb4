import type { Database } from "@roster/db";
import type { Kysely, Selectable } from "kysely";
import type { RosterError } from "../errors.js";

/** The tables whose rows belong to one organization (`org_id`) and are named by `id`. */
export type OrgTable = {
  [T in keyof Database]: Database[T] extends { id: unknown; org_id: unknown } ? T : never;
}[keyof Database];

/**
 * Row `id` of `table` when it belongs to organization `orgId`; otherwise `missing()` is thrown, the
 * same answer as for an id that exists nowhere, so another organization's rows are never revealed.
 * With `forUpdate` the row is locked for the change the caller's transaction is about to make.
 */
export async function findInOrg<T extends OrgTable>(
  db: Kysely<Database>,
  table: T,
  orgId: string,
  id: string,
  missing: () => RosterError,
  options: { forUpdate?: boolean } = {},
): Promise<Selectable<Database[T]>> {
  // Every OrgTable has both columns; the compiler cannot see that through the generic table name.
  const rows = db as unknown as Kysely<Record<string, { id: string; org_id: string }>>;
  const row = await rows
    .selectFrom(table as string)
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .$if(options.forUpdate === true, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw missing();
  return row as Selectable<Database[T]>;
}
