import { createHash, timingSafeEqual } from "node:crypto";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";

// 32 characters, no look-alikes (no l, o, 0, 1): each character carries 5 bits.
const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

/** 24 characters × 5 bits = 120 bits of entropy, the size the Lucia guide uses for ids and secrets. */
export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const byte of bytes) out += alphabet[byte >> 3];
  return out;
}

/** 32 random bytes, base64url: the one-time tokens sent by email (invitations, verification, reset). */
export function generateEmailToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return encodeBase64urlNoPadding(bytes);
}

/**
 * Only hashes of secrets are stored: a leaked table does not let anyone sign in or accept. Node's
 * own SHA-256 (OpenSSL): every request with a session hashes its secret.
 */
export function hashSecret(secret: string): Uint8Array {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** Compares two hashes without leaking, through timing, how many leading bytes matched. */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
