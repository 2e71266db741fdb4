import type { AuthChallengeKind, Database } from "@roster/db";
import type { Kysely } from "kysely";
import { addSeconds } from "../clock.js";
import type { Config } from "../config.js";
import { badRequest } from "../errors.js";

/**
 * Where passkeys are valid. The relying party is PUBLIC_URL's host name (so a passkey made on
 * roster.example.com works on any port of it, as WebAuthn has it); a response is accepted from
 * PUBLIC_URL's origin and from the ALLOWED_ORIGINS the browser app may be served on, and from no
 * other page.
 */
export function relyingParty(config: Config): { id: string; name: string; origins: string[] } {
  const url = new URL(config.publicUrl);
  const origins = [url.origin, ...config.allowedOrigins.map((o) => new URL(o).origin)];
  return { id: url.hostname, name: "Roster", origins: [...new Set(origins)] };
}

/**
 * The options a browser passes to `navigator.credentials` (as @simplewebauthn/browser takes them),
 * described here by what Roster sets, so that the API's types do not name the WebAuthn library.
 */
export interface CreationOptionsJSON {
  challenge: string;
  rp: { id?: string | undefined; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string; type: string; transports?: string[] | undefined }[] | undefined;
}

export interface RequestOptionsJSON {
  challenge: string;
  rpId?: string | undefined;
  allowCredentials?: { id: string; type: string; transports?: string[] | undefined }[] | undefined;
  userVerification?: "required" | "preferred" | "discouraged" | undefined;
}

/** What a browser answers (the shapes routers/webauthn-schemas.ts accepts). */
export interface ResponseJSON {
  id: string;
  rawId: string;
  type: "public-key";
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment?: "platform" | "cross-platform" | undefined;
}
export interface RegistrationJSON extends ResponseJSON {
  response: { clientDataJSON: string; attestationObject: string; transports?: string[] | undefined };
}
export interface AuthenticationJSON extends ResponseJSON {
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | undefined;
  };
}

/** A ceremony must finish within this time; its challenge works once. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;

export async function storeChallenge(
  db: Kysely<Database>,
  kind: AuthChallengeKind,
  userId: string | null,
  challenge: string,
  now: Date,
): Promise<string> {
  // Expired challenges are swept as new ones are made: the table holds only live ceremonies.
  await db.deleteFrom("auth_challenges").where("expires_at", "<=", now).execute();
  const row = await db
    .insertInto("auth_challenges")
    .values({
      kind,
      user_id: userId,
      challenge,
      expires_at: addSeconds(now, CHALLENGE_TTL_SECONDS),
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const challengeExpired = () =>
  badRequest("PASSKEY_CHALLENGE_EXPIRED", "The passkey request expired or was already used. Try again.");

/**
 * Takes a challenge out of the store (deleting it, so it cannot be answered twice) if it is of this
 * kind, for this account, and still live.
 */
export async function takeChallenge(
  db: Kysely<Database>,
  challengeId: string,
  kind: AuthChallengeKind,
  userId: string | null,
  now: Date,
): Promise<string> {
  let query = db.deleteFrom("auth_challenges").where("id", "=", challengeId).where("kind", "=", kind);
  query = userId ? query.where("user_id", "=", userId) : query.where("user_id", "is", null);
  const row = await query.returning(["challenge", "expires_at"]).executeTakeFirst();
  if (!row?.challenge || row.expires_at.getTime() <= now.getTime()) throw challengeExpired();
  return row.challenge;
}
