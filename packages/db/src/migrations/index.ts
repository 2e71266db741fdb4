import type { Migration } from "kysely";
import * as m0001 from "./0001_accounts.js";

/** Every migration, in the order it runs. Names sort in that order too. */
export const migrations: Record<string, Migration> = {
  "0001_accounts": m0001,
};
