import type { AuthChallengesTable, Database } from "@roster/db";
import type { Kysely, Selectable } from "kysely";
import { generateSecureRandomString, hashesEqual, hashSecret } from "../auth/tokens.js";
import type { AuthenticationJSON, RequestOptionsJSON } from "../auth/webauthn.js";
import { addSeconds } from "../clock.js";
import type { Deps, RequestOrigin } from "../deps.js";
import { RosterError, unauthorized } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { checkPassword, getUser, issueSession, type SignedIn } from "./accounts.js";
import { finishPasskeySignIn, secondFactorPasskeyOptions, verifyPasskeyAssertion } from "./passkeys.js";
import {
  acceptTotpCode,
  assertMayTryCode,
  clearWrongCodes,
  countWrongCode,
  hasSecondFactor,
  secondFactors,
  useRecoveryCode,
  wrongCode,
} from "./two-factor.js";

/**
 * Signing in with a password, then (when the account has a second factor) with a code or a passkey.
 * The password step answers a pending sign-in instead of a session: a short-lived token that can do
 * one thing, finish this sign-in, once.
 */

const PENDING_TTL_SECONDS = 5 * 60;

export type SecondFactorMethod = "totp" | "passkey" | "recovery_code";

/**
 * The password step. Without a second factor it answers a session; with one it is refused with
 * TWO_FACTOR_REQUIRED, whose details carry the pending sign-in (`pendingToken`, `expiresAt`) and the
 * `methods` that can finish it, so a client that knows nothing of two-factor fails clearly.
 */
export async function signIn(
  deps: Deps,
  origin: RequestOrigin,
  input: { email: string; password: string },
): Promise<SignedIn> {
  const user = await checkPassword(deps, origin, input);
  const pending = await pendingSecondFactor(deps, user.id, "password");
  if (!pending) return issueSession(deps, origin, user, { authMethod: "password", twoFactor: false });
  throw new RosterError(
    "UNAUTHORIZED",
    "TWO_FACTOR_REQUIRED",
    "Your password is right. Now confirm it is you with your second factor.",
    { ...pending },
  );
}

export interface PendingSecondFactor {
  pendingToken: string;
  expiresAt: string;
  methods: SecondFactorMethod[];
}

/**
 * For an account with a second factor, a pending sign-in that the second factor finishes (its
 * session then records `<firstFactor>+totp`, `+passkey` or `+recovery_code`); null without one.
 */
export async function pendingSecondFactor(
  deps: Deps,
  userId: string,
  firstFactor: string,
): Promise<PendingSecondFactor | null> {
  const factors = await secondFactors(deps.db, userId);
  if (!hasSecondFactor(factors)) return null;
  const now = deps.clock();
  const secret = generateSecureRandomString();
  const expiresAt = addSeconds(now, PENDING_TTL_SECONDS);
  await deps.db.deleteFrom("auth_challenges").where("expires_at", "<=", now).execute();
  const row = await deps.db
    .insertInto("auth_challenges")
    .values({
      kind: "second_factor",
      user_id: userId,
      secret_hash: hashSecret(secret),
      first_factor: firstFactor,
      expires_at: expiresAt,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const methods: SecondFactorMethod[] = [];
  if (factors.totp) methods.push("totp");
  if (factors.passkeys > 0) methods.push("passkey");
  if (factors.recoveryCodesLeft > 0) methods.push("recovery_code");
  return { pendingToken: `${row.id}.${secret}`, expiresAt: expiresAt.toISOString(), methods };
}

const signInExpired = () =>
  unauthorized(
    "SIGN_IN_EXPIRED",
    "This sign-in took too long or was already finished. Enter your password again.",
  );

type Pending = Selectable<AuthChallengesTable>;

/** The pending sign-in a token names, if its secret matches and it is still live (locked when asked). */
async function findPending(db: Kysely<Database>, token: string, now: Date, lock: boolean): Promise<Pending> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || !/^[0-9a-f-]{36}$/.test(id)) throw signInExpired();
  let query = db
    .selectFrom("auth_challenges")
    .selectAll()
    .where("id", "=", id)
    .where("kind", "=", "second_factor");
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row?.secret_hash || !row.user_id || !hashesEqual(row.secret_hash, hashSecret(secret)))
    throw signInExpired();
  if (row.expires_at.getTime() <= now.getTime()) throw signInExpired();
  return row;
}

/** The second step with a code: the authenticator app's current code, or one of the recovery codes. */
export async function finishWithCode(
  deps: Deps,
  origin: RequestOrigin,
  input: { pendingToken: string; code: string },
): Promise<SignedIn> {
  const now = deps.clock();
  const first = await findPending(deps.db, input.pendingToken, now, false);
  const userId = first.user_id as string;
  await assertMayTryCode(deps, userId, now);
  const method = await runTransaction(deps, async (trx) => {
    // Locked, so two answers to one pending sign-in cannot both make a session.
    const pending = await findPending(trx, input.pendingToken, now, true);
    const code = input.code.trim();
    const used = /^\d{6}$/.test(code)
      ? (await acceptTotpCode(deps, trx, userId, code, now)) && "totp"
      : (await useRecoveryCode(trx, userId, code, now)) && "recovery_code";
    if (!used) return null;
    await trx.deleteFrom("auth_challenges").where("id", "=", pending.id).execute();
    return `${pending.first_factor ?? "password"}+${used}`;
  });
  if (!method) {
    await countWrongCode(deps, userId, now);
    throw wrongCode();
  }
  await clearWrongCodes(deps, userId);
  return issueSession(deps, origin, await getUser(deps.db, userId), { authMethod: method, twoFactor: true });
}

/** The second step with a passkey: options allowing only the account's own, with a fresh challenge. */
export async function passkeyChallenge(
  deps: Deps,
  input: { pendingToken: string },
): Promise<{ options: RequestOptionsJSON }> {
  const now = deps.clock();
  const pending = await findPending(deps.db, input.pendingToken, now, false);
  const options = await secondFactorPasskeyOptions(deps, pending.user_id as string);
  await deps.db
    .updateTable("auth_challenges")
    .set({ challenge: options.challenge })
    .where("id", "=", pending.id)
    .execute();
  return { options };
}

export async function finishWithPasskey(
  deps: Deps,
  origin: RequestOrigin,
  input: { pendingToken: string; response: AuthenticationJSON },
): Promise<SignedIn> {
  const now = deps.clock();
  const challenge = await runTransaction(deps, async (trx) => {
    const pending = await findPending(trx, input.pendingToken, now, true);
    if (!pending.challenge) throw signInExpired();
    // The challenge is used up whatever the answer: a wrong answer needs a new challenge.
    await trx.updateTable("auth_challenges").set({ challenge: null }).where("id", "=", pending.id).execute();
    return pending.challenge;
  });
  const done = await runTransaction(deps, async (trx) => {
    const pending = await findPending(trx, input.pendingToken, now, true);
    await verifyPasskeyAssertion(deps, trx, input.response, challenge, {
      userId: pending.user_id,
      requireUserVerification: false,
    });
    await trx.deleteFrom("auth_challenges").where("id", "=", pending.id).execute();
    return { userId: pending.user_id as string, method: `${pending.first_factor ?? "password"}+passkey` };
  });
  const user = await getUser(deps.db, done.userId);
  return issueSession(deps, origin, user, { authMethod: done.method, twoFactor: true });
}

/** Signing in with a passkey alone: verified by its user (PIN or biometrics), it is two factors in one. */
export async function signInWithPasskey(
  deps: Deps,
  origin: RequestOrigin,
  input: { challengeId: string; response: AuthenticationJSON },
): Promise<SignedIn> {
  const { userId } = await finishPasskeySignIn(deps, input);
  return issueSession(deps, origin, await getUser(deps.db, userId), {
    authMethod: "passkey",
    twoFactor: true,
  });
}
