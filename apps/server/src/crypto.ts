import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { RosterError } from "./errors.js";

const deriveKey = (secretKey: string) => createHash("sha256").update(`roster:seal:v1:${secretKey}`).digest();

/**
 * Authenticated encryption (AES-256-GCM) for what must be read back later: invitation tokens (so
 * an admin can copy a link again), webhook secrets and secret settings. The key is derived from
 * SECRET_KEY; keys listed in SECRET_KEY_PREVIOUS still open what they sealed, so the key can be
 * rotated without breaking links already sent.
 */
export class Sealer {
  readonly #key: Buffer;
  readonly #openers: Buffer[];

  constructor(secretKey: string, previousKeys: readonly string[] = []) {
    this.#key = deriveKey(secretKey);
    this.#openers = [this.#key, ...previousKeys.map(deriveKey)];
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [
      "v1",
      iv.toString("base64url"),
      body.toString("base64url"),
      cipher.getAuthTag().toString("base64url"),
    ].join(".");
  }

  /** Opens a sealed value with the current key or a previous one; refuses (412) when none opens it. */
  open(sealed: string): string {
    const [version, iv, body, tag] = sealed.split(".");
    if (version === "v1" && iv && body && tag) {
      for (const key of this.#openers) {
        try {
          const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
          decipher.setAuthTag(Buffer.from(tag, "base64url"));
          return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
            "utf8",
          );
        } catch {
          // The authentication tag does not match this key: try the next one.
        }
      }
    }
    throw new RosterError(
      "PRECONDITION_FAILED",
      "SEALED_WITH_UNKNOWN_KEY",
      "This was encrypted with a secret key this server no longer has. Add that key to SECRET_KEY_PREVIOUS, or create it again (revoke an invitation and invite again; set a secret again).",
    );
  }
}
