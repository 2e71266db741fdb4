import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import type { CallerUser } from "./sessions.js";
import { generateSecureRandomString, hashesEqual, hashSecret } from "./tokens.js";

/**
 * Service account API keys: `rk_<id>_<secret>`. The id finds the row, the secret proves
 * possession; only a SHA-256 of the secret is stored and compared in constant time.
 */
export const API_KEY_PREFIX = "rk_";
const API_KEY_PATTERN = /^rk_([a-z2-9]{24})_([a-z2-9]{24})$/;
// last_used_at is written at most this often, so a busy key does not write on every request.
const LAST_USED_GRANULARITY_MS = 60_000;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

/** What the list shows instead of the key. */
export function maskApiKey(id: string, last4: string): string {
  return `${API_KEY_PREFIX}${id}_${"•".repeat(20)}${last4}`;
}

export interface ApiKeyAuth {
  user: CallerUser;
  apiKey: { id: string; orgId: string; name: string };
}

/** The service account a key belongs to, or null for a malformed, unknown or revoked key. */
export async function validateApiKey(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<ApiKeyAuth | null> {
  const match = token.match(API_KEY_PATTERN);
  if (!match) return null;
  const [, id, secret] = match as [string, string, string];
  const row = await db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.user_id")
    .selectAll("u")
    .select([
      "k.id as key_id",
      "k.org_id as key_org_id",
      "k.name as key_name",
      "k.secret_hash",
      "k.revoked_at",
      "k.last_used_at",
    ])
    .where("k.id", "=", id)
    .executeTakeFirst();
  if (!row || !hashesEqual(hashSecret(secret), row.secret_hash)) return null;
  if (row.revoked_at || row.kind !== "service_account") return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_GRANULARITY_MS) {
    await db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", id).execute();
  }
  const user: CallerUser = {
    id: row.id,
    kind: row.kind,
    email: row.email,
    name: row.name,
    has_password: row.password_hash !== null,
    email_verified_at: row.email_verified_at,
    host_key_id: null,
    created_at: row.created_at,
  };
  return { user, apiKey: { id: row.key_id, orgId: row.key_org_id, name: row.key_name } };
}
