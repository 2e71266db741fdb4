import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import type { Database } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import {
  generateRecoveryCode,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  RECOVERY_CODE_COUNT,
  totpKeyUri,
} from "../auth/totp.js";
import type { Actor, Deps } from "../deps.js";
import { badRequest, conflict } from "../errors.js";
import { lazy } from "../lazy.js";
import { assertUnderLimit, clearRateLimit, countFailure } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { getUser } from "./accounts.js";
import { noticeSecurityChange } from "./security-notices.js";

/**
 * Two-factor sign-in with an authenticator app (TOTP) and recovery codes: enrolling, disabling,
 * and checking a code, which the sign-in's second step (two-factor-sign-in.ts) also uses.
 */

const ATTEMPTS_PER_WINDOW = 5;
const ATTEMPT_WINDOW_SECONDS = 15 * 60;
const ISSUER = "Roster";

const qrcode = lazy(async () => (await import("qrcode")).default);

export interface SecondFactors {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** Which second factors an account has (a TOTP enrollment counts once confirmed). */
export async function secondFactors(db: Kysely<Database>, userId: string): Promise<SecondFactors> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom("totp_credentials")
            .select("user_id")
            .where("user_id", "=", userId)
            .where("confirmed_at", "is not", null),
        )
        .as("totp"),
      eb
        .selectFrom("passkeys")
        .select(eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", userId)
        .as("passkeys"),
      eb
        .selectFrom("recovery_codes")
        .select(eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .as("recovery"),
    ])
    .executeTakeFirstOrThrow();
  return {
    totp: Boolean(row.totp),
    passkeys: Number(row.passkeys ?? 0),
    recoveryCodesLeft: Number(row.recovery ?? 0),
  };
}

export const hasSecondFactor = (f: SecondFactors) => f.totp || f.passkeys > 0;

export async function twoFactorStatus(deps: Deps, actor: Actor, sessionTwoFactor: boolean) {
  const factors = await secondFactors(deps.db, actor.userId);
  return { ...factors, enabled: hasSecondFactor(factors), sessionTwoFactor };
}

const attemptsKey = (userId: string) => `two-factor:${userId}`;

/**
 * Refuses once an account has had too many wrong codes lately (RATE_LIMITED), so six digits cannot
 * be guessed; counted per account, since a pending sign-in can be made again from anywhere.
 */
export function assertMayTryCode(deps: Deps, userId: string, now: Date): Promise<void> {
  return assertUnderLimit(deps.db, attemptsKey(userId), {
    limit: ATTEMPTS_PER_WINDOW,
    windowSeconds: ATTEMPT_WINDOW_SECONDS,
    now,
    message: "Too many wrong codes. Wait 15 minutes and try again.",
  });
}

export const wrongCode = () =>
  badRequest(
    "INVALID_TWO_FACTOR_CODE",
    "That code is not right, or it was already used. Enter the current code from your app, or a recovery code.",
  );

export async function countWrongCode(deps: Deps, userId: string, now: Date): Promise<void> {
  await countFailure(deps.db, [attemptsKey(userId)], { windowSeconds: ATTEMPT_WINDOW_SECONDS, now });
}

export async function clearWrongCodes(deps: Deps, userId: string): Promise<void> {
  await clearRateLimit(deps.db, attemptsKey(userId));
}

/**
 * Accepts a current authenticator code once: the step it belongs to is written only if it is newer
 * than the last accepted one, in one statement, so a code replayed (even concurrently) is refused.
 */
export async function acceptTotpCode(
  deps: Deps,
  trx: Kysely<Database> | Transaction<Database>,
  userId: string,
  code: string,
  now: Date,
  confirmed = true,
): Promise<boolean> {
  const row = await trx
    .selectFrom("totp_credentials")
    .select(["secret_sealed", "last_used_step"])
    .where("user_id", "=", userId)
    .where("confirmed_at", confirmed ? "is not" : "is", null)
    .executeTakeFirst();
  if (!row) return false;
  const key = decodeBase32IgnorePadding(deps.sealer.open(row.secret_sealed));
  const lastUsed = row.last_used_step === null ? null : Number(row.last_used_step);
  const step = matchTotpStep(key, code, now, lastUsed);
  if (step === null) return false;
  const taken = await trx
    .updateTable("totp_credentials")
    .set({ last_used_step: step, ...(confirmed ? {} : { confirmed_at: now }) })
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", String(step))]))
    .executeTakeFirst();
  return taken.numUpdatedRows === 1n;
}

/** Uses a recovery code: each works once (the update finds it unused, or nothing happens). */
export async function useRecoveryCode(
  trx: Kysely<Database> | Transaction<Database>,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const used = await trx
    .updateTable("recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashRecoveryCode(code))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return used.numUpdatedRows === 1n;
}

/** A fresh set of recovery codes replaces the old one; the codes are shown once and kept hashed. */
async function replaceRecoveryCodes(
  trx: Transaction<Database>,
  userId: string,
  now: Date,
): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx
    .insertInto("recovery_codes")
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(code), created_at: now })))
    .execute();
  return codes;
}

/**
 * Starts (or starts again) setting up an authenticator app: a new secret, sealed at rest, shown
 * once as an otpauth URI, a QR code of it and the secret for typing in. It counts only once a code
 * from the app confirms it.
 */
export async function startTotpEnrollment(deps: Deps, actor: Actor) {
  const now = deps.clock();
  const user = await getUser(deps.db, actor.userId);
  const key = generateTotpSecret();
  const secret = encodeBase32UpperCaseNoPadding(key);
  const stored = await deps.db
    .insertInto("totp_credentials")
    .values({ user_id: user.id, secret_sealed: deps.sealer.seal(secret), created_at: now })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({ secret_sealed: deps.sealer.seal(secret), created_at: now, last_used_step: null })
        .where("totp_credentials.confirmed_at", "is", null),
    )
    .executeTakeFirst();
  if (stored.numInsertedOrUpdatedRows === 0n) {
    throw conflict(
      "TWO_FACTOR_ALREADY_ENABLED",
      "An authenticator app is already set up. Turn it off first to set up another.",
    );
  }
  const uri = totpKeyUri(ISSUER, user.email, key);
  const qrSvg = await (await qrcode()).toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, uri, qrSvg };
}

const notEnrolling = () =>
  badRequest("TWO_FACTOR_NOT_ENABLED", "Start setting up an authenticator app first, then enter its code.");

/**
 * Confirms the enrollment with a code from the app; answers the ten recovery codes, shown this
 * once. The session that did it has now proven two factors.
 */
export async function confirmTotpEnrollment(
  deps: Deps,
  actor: Actor,
  input: { code: string },
): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock();
  await assertMayTryCode(deps, actor.userId, now);
  const result = await runTransaction(deps, async (trx) => {
    const row = await trx
      .selectFrom("totp_credentials")
      .select("confirmed_at")
      .where("user_id", "=", actor.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notEnrolling();
    if (row.confirmed_at) {
      throw conflict("TWO_FACTOR_ALREADY_ENABLED", "This authenticator app is already set up.");
    }
    if (!(await acceptTotpCode(deps, trx, actor.userId, input.code, now, false))) return null;
    const recoveryCodes = await replaceRecoveryCodes(trx, actor.userId, now);
    await markSessionTwoFactor(trx, actor);
    await noticeSecurityChange(deps, trx, actor.userId, { kind: "two_factor_enabled" }, now);
    return { recoveryCodes };
  });
  if (!result) {
    await countWrongCode(deps, actor.userId, now);
    throw wrongCode();
  }
  await clearWrongCodes(deps, actor.userId);
  return result;
}

/** Enrolling a second factor in a session proves it there: that session counts as two-factor. */
export async function markSessionTwoFactor(trx: Kysely<Database>, actor: Actor): Promise<void> {
  if (!actor.sessionId) return;
  await trx.updateTable("sessions").set({ two_factor: true }).where("id", "=", actor.sessionId).execute();
}

/**
 * Checks a fresh code (authenticator or recovery) for a change to the account's two-factor
 * settings, with the same limit on wrong codes as signing in.
 */
async function requireFreshCode(
  deps: Deps,
  trx: Transaction<Database>,
  userId: string,
  code: string,
  now: Date,
) {
  const ok =
    (await acceptTotpCode(deps, trx, userId, code, now)) || (await useRecoveryCode(trx, userId, code, now));
  return ok;
}

/**
 * Turns the authenticator app off, with a fresh code. Without any second factor left, recovery
 * codes go too, and the account's sessions no longer count as two-factor.
 */
export async function disableTotp(deps: Deps, actor: Actor, input: { code: string }): Promise<{ ok: true }> {
  const now = deps.clock();
  await assertMayTryCode(deps, actor.userId, now);
  const outcome = await runTransaction(deps, async (trx) => {
    const row = await trx
      .selectFrom("totp_credentials")
      .select("user_id")
      .where("user_id", "=", actor.userId)
      .where("confirmed_at", "is not", null)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw badRequest("TWO_FACTOR_NOT_ENABLED", "No authenticator app is set up for your account.");
    if (!(await requireFreshCode(deps, trx, actor.userId, input.code, now))) return "wrong" as const;
    await trx.deleteFrom("totp_credentials").where("user_id", "=", actor.userId).execute();
    await afterSecondFactorRemoved(trx, actor.userId);
    await noticeSecurityChange(deps, trx, actor.userId, { kind: "two_factor_disabled" }, now);
    return "done" as const;
  });
  if (outcome === "wrong") {
    await countWrongCode(deps, actor.userId, now);
    throw wrongCode();
  }
  await clearWrongCodes(deps, actor.userId);
  return { ok: true };
}

/** Once an account has no second factor left, nothing of two-factor remains in force for it. */
export async function afterSecondFactorRemoved(trx: Transaction<Database>, userId: string): Promise<void> {
  const factors = await secondFactors(trx, userId);
  if (hasSecondFactor(factors)) return;
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx.updateTable("sessions").set({ two_factor: false }).where("user_id", "=", userId).execute();
}

/** A new set of ten recovery codes (the old ones stop working), with a fresh authenticator code. */
export async function regenerateRecoveryCodes(
  deps: Deps,
  actor: Actor,
  input: { code: string },
): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock();
  await assertMayTryCode(deps, actor.userId, now);
  const result = await runTransaction(deps, async (trx) => {
    const factors = await secondFactors(trx, actor.userId);
    if (!factors.totp) {
      throw badRequest("TWO_FACTOR_NOT_ENABLED", "Set up an authenticator app to make recovery codes.");
    }
    if (!(await acceptTotpCode(deps, trx, actor.userId, input.code, now))) return null;
    const recoveryCodes = await replaceRecoveryCodes(trx, actor.userId, now);
    await noticeSecurityChange(deps, trx, actor.userId, { kind: "recovery_codes_regenerated" }, now);
    return { recoveryCodes };
  });
  if (!result) {
    await countWrongCode(deps, actor.userId, now);
    throw wrongCode();
  }
  await clearWrongCodes(deps, actor.userId);
  return result;
}
