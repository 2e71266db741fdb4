import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import { generateSecureRandomString, hashesEqual, hashSecret } from "./tokens.js";

/**
 * SCIM bearer tokens: `rsc_<id>_<secret>`, one organization each. The id finds the row, the secret
 * proves possession; only a SHA-256 of the secret is stored and compared in constant time.
 */
export const SCIM_TOKEN_PREFIX = "rsc_";
const SCIM_TOKEN_PATTERN = /^rsc_([a-z2-9]{24})_([a-z2-9]{24})$/;
// last_used_at is written at most this often, so a provisioning run does not write on every call.
const LAST_USED_GRANULARITY_MS = 60_000;

export function generateScimToken(): { id: string; secret: string; token: string } {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  return { id, secret, token: `${SCIM_TOKEN_PREFIX}${id}_${secret}` };
}

export function maskScimToken(id: string, last4: string): string {
  return `${SCIM_TOKEN_PREFIX}${id}_${"•".repeat(20)}${last4}`;
}

/** Who a valid token acts for: its organization, and the account its changes are recorded under. */
export interface ScimCaller {
  tokenId: string;
  orgId: string;
  actorId: string;
}

/** The token's organization and actor, or null for a malformed, unknown or revoked token. */
export async function validateScimToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<ScimCaller | null> {
  const match = token.match(SCIM_TOKEN_PATTERN);
  if (!match) return null;
  const [, id, secret] = match as [string, string, string];
  const row = await db
    .selectFrom("scim_tokens")
    .select(["id", "org_id", "actor_id", "secret_hash", "revoked_at", "last_used_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || !hashesEqual(hashSecret(secret), row.secret_hash) || row.revoked_at) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_GRANULARITY_MS) {
    await db.updateTable("scim_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
  }
  return { tokenId: row.id, orgId: row.org_id, actorId: row.actor_id };
}
