import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { hashSecret } from "./tokens.js";

/** RFC 6238 as authenticator apps expect it: 30-second steps, six digits, HMAC-SHA1. */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** A code of the step before or after the current one is accepted too (clock drift, typing time). */
const DRIFT_STEPS = 1;

export function generateTotpSecret(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_PERIOD_SECONDS, DIGITS);
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code an authenticator app shows for `key` at step `step`. */
export function totpCode(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), DIGITS);
}

/**
 * The time step `code` belongs to, among the current one and its neighbours, newer than
 * `lastUsedStep` (so a code, once accepted, is never accepted again); null when none matches.
 */
export function matchTotpStep(
  key: Uint8Array,
  code: string,
  now: Date,
  lastUsedStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(now);
  let matched: number | null = null;
  // Every candidate is computed, so the answer takes as long whichever step matches.
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if (totpCode(key, step) === code && (lastUsedStep === null || step > lastUsedStep)) matched ??= step;
  }
  return matched;
}

// Recovery codes: 10 characters (50 bits) from 32 without look-alikes, shown as xxxxx-xxxxx.
const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
export const RECOVERY_CODE_COUNT = 10;

export function generateRecoveryCode(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const byte of bytes) out += RECOVERY_ALPHABET[byte >> 3];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** The form a recovery code is hashed in: case, spaces and dashes do not matter when typing it. */
export function hashRecoveryCode(code: string): Uint8Array {
  return hashSecret(`recovery:${code.toLowerCase().replace(/[\s-]/g, "")}`);
}
