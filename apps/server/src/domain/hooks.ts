import type { Database, User } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { createPersonalOrganization } from "./organizations.js";

/**
 * Places where accounts meet organizations, so that accounts.ts does not depend on the
 * organization rules directly.
 */
export async function afterSignUp(
  deps: Deps,
  trx: Transaction<Database>,
  user: User,
  now: Date,
): Promise<void> {
  await createPersonalOrganization(deps, trx, user, now);
}
