import type { Database, User } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import type { Deps } from "../deps.js";

/**
 * Places where accounts meet organizations. Kept here so that accounts.ts does not import the
 * organization rules, and the organization rules can grow without touching sign-up.
 */
export async function afterSignUp(
  _deps: Deps,
  _trx: Transaction<Database>,
  _user: User,
  _now: Date,
): Promise<void> {}

/** Whether `token` is a live invitation sent to `email` (following its link proves the address). */
export async function invitationTokenProvesEmail(
  _db: Kysely<Database> | Transaction<Database>,
  _token: string,
  _email: string,
  _now: Date,
): Promise<boolean> {
  return false;
}
