import type { Database, User } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { invitationTokenProvesEmail as provesEmail } from "./invitations.js";
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

/** Whether `token` is a live invitation sent to `email` (following its link proves the address). */
export function invitationTokenProvesEmail(
  db: Kysely<Database> | Transaction<Database>,
  token: string,
  email: string,
  now: Date,
): Promise<boolean> {
  return provesEmail(db, token, email, now);
}
