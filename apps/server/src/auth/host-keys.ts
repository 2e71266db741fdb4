import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import { generateSecureRandomString, hashesEqual, hashSecret } from "./tokens.js";

/**
 * Host API keys let a host product's backend act for the deployment (create embed tokens, set seat
 * limits). Format `rhk_<id>_<secret>`; the id finds the row, only a hash of the secret is stored.
 */
export const HOST_KEY_PREFIX = "rhk_";

export interface HostKey {
  id: string;
  name: string;
}

export async function createHostApiKey(
  db: Kysely<Database>,
  name: string,
  now: Date,
): Promise<HostKey & { key: string }> {
  const id = generateSecureRandomString().slice(0, 12);
  const secret = generateSecureRandomString() + generateSecureRandomString();
  await db
    .insertInto("host_api_keys")
    .values({ id, name, secret_hash: hashSecret(secret), created_at: now })
    .execute();
  return { id, name, key: `${HOST_KEY_PREFIX}${id}_${secret}` };
}

export async function verifyHostApiKey(
  db: Kysely<Database>,
  key: string,
  now: Date,
): Promise<HostKey | null> {
  const match = key.match(/^rhk_([a-z2-9]{12})_([a-z2-9]{48})$/);
  if (!match) return null;
  const [, id, secret] = match as [string, string, string];
  const row = await db
    .selectFrom("host_api_keys")
    .select(["id", "name", "secret_hash", "revoked_at", "last_used_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || row.revoked_at || !hashesEqual(hashSecret(secret), row.secret_hash)) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable("host_api_keys").set({ last_used_at: now }).where("id", "=", id).execute();
  }
  return { id: row.id, name: row.name };
}

export async function listHostApiKeys(db: Kysely<Database>) {
  return db
    .selectFrom("host_api_keys")
    .select(["id", "name", "created_at", "last_used_at", "revoked_at"])
    .orderBy("created_at")
    .execute();
}

export async function revokeHostApiKey(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable("host_api_keys")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  // Its embed tokens end with it.
  await db.deleteFrom("sessions").where("host_key_id", "=", id).execute();
  return result.numUpdatedRows > 0n;
}
