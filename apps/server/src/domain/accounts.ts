import type { Database, EmailTokenKind, User, UserKind } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../auth/passwords.js";
import { createSession, invalidateSession, type UserFacts } from "../auth/sessions.js";
import { generateEmailToken, hashesEqual, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Actor, Deps, RequestOrigin } from "../deps.js";
import { badRequest, conflict, notFound, unauthorized } from "../errors.js";
import { emailChangedNotice, passwordResetEmail, verificationEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { assertUnderLimit, clearRateLimit, consumeRateLimit, countFailure } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { inviteByDomain } from "./domain-enrollment.js";
import { afterSignUp } from "./hooks.js";
import { accountLink } from "./host-links.js";
import { assertPasswordSignInAllowed } from "./sso-enforcement.js";
import { conflictOnUnique } from "./unique-conflicts.js";

const VERIFY_TTL_SECONDS = 24 * 60 * 60;
const RESET_TTL_SECONDS = 60 * 60;
/** Failed sign-ins for one address from one network address, per 15 minutes. */
const SIGN_IN_FAILURES_PER_ADDRESS = 10;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  kind: UserKind;
  createdAt: string;
}

export function toPublicUser(user: UserFacts): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.email_verified_at !== null,
    kind: user.kind,
    createdAt: user.created_at.toISOString(),
  };
}

export interface SignedIn {
  user: PublicUser;
  token: string;
  expiresAt: Date;
}

export async function signUp(
  deps: Deps,
  origin: RequestOrigin,
  input: { email: string; password: string; name: string; invitationToken?: string | undefined },
): Promise<SignedIn> {
  const now = deps.clock();
  // Each sign-up emails an address of the caller's choosing: a budget per network address.
  await consumeRateLimit(deps.db, `sign-up-ip:${origin.ip ?? "unknown"}`, {
    limit: deps.config.rateLimits.signUpsPerIpPerHour,
    windowSeconds: 60 * 60,
    now,
    message: "Too many accounts were created from your network. Wait an hour and try again.",
  });
  const passwordHash = await hashPassword(input.password);
  const user = await runTransaction(deps, async (trx) => {
    // Only the emailed confirmation link proves the address. An invitation link does not: its
    // inviter can read it (`invitations.link`), so it accepts that one invitation and no more.
    const user = await trx
      .insertInto("users")
      .values({
        email: input.email,
        name: input.name,
        password_hash: passwordHash,
        email_verified_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await sendVerification(deps, trx, user, user.email, now);
    await afterSignUp(deps, trx, user, now, input.invitationToken);
    return user;
  }).catch(
    conflictOnUnique({
      users_email_lower_key: () =>
        conflict(
          "EMAIL_TAKEN",
          "An account with this email address already exists. Sign in instead, or reset your password.",
        ),
    }),
  );
  deps.wakeOutbox();
  const { token, session } = await createSession(deps.db, user.id, now, origin);
  return { user: toPublicUser(user), token, expiresAt: session.expires_at };
}

const invalidCredentials = () =>
  unauthorized("INVALID_CREDENTIALS", "The email or password is incorrect. Check both and try again.");

/**
 * The password step of signing in: the account, once its password is proven. Whether a session
 * follows, or a second factor is asked for first, is two-factor-sign-in.ts's to decide.
 */
export async function checkPassword(
  deps: Deps,
  origin: RequestOrigin,
  input: { email: string; password: string },
): Promise<User> {
  const now = deps.clock();
  // Failures are counted per address *and* network address, so guessing from one place never
  // locks the owner out from another; and per network address across accounts, against spraying.
  // Both are checked before any password work, and a success clears the pair's count.
  const ip = origin.ip ?? "unknown";
  const pairKey = `sign-in:${input.email.toLowerCase()}:${ip}`;
  const ipKey = `sign-in-ip:${ip}`;
  await assertUnderLimit(deps.db, pairKey, {
    limit: SIGN_IN_FAILURES_PER_ADDRESS,
    windowSeconds: 15 * 60,
    now,
    message:
      "Too many failed sign-ins for this email address from your network. Wait 15 minutes, or reset your password.",
  });
  await assertUnderLimit(deps.db, ipKey, {
    limit: deps.config.rateLimits.failedSignInsPerIpPerHour,
    windowSeconds: 60 * 60,
    now,
    message: "Too many failed sign-ins from your network. Wait an hour and try again.",
  });
  const user = await findUserByEmail(deps.db, input.email);
  // The same work and the same answer whether or not the address has an account.
  const valid = user?.password_hash
    ? await verifyPassword(user.password_hash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !valid) {
    await countFailure(deps.db, [pairKey], { windowSeconds: 15 * 60, now });
    await countFailure(deps.db, [ipKey], { windowSeconds: 60 * 60, now });
    throw invalidCredentials();
  }
  await clearRateLimit(deps.db, pairKey);
  await assertPasswordSignInAllowed(deps, user);
  return user;
}

/** A new session for a person who proved who they are, recording how. */
export async function issueSession(
  deps: Deps,
  origin: RequestOrigin,
  user: User,
  proof: { authMethod: string; twoFactor: boolean },
): Promise<SignedIn> {
  const { token, session } = await createSession(deps.db, user.id, deps.clock(), origin, proof);
  return { user: toPublicUser(user), token, expiresAt: session.expires_at };
}

export async function signOut(deps: Deps, sessionId: string): Promise<void> {
  await invalidateSession(deps.db, sessionId);
}

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .executeTakeFirst();
}

export async function getUser(db: Kysely<Database>, userId: string): Promise<User> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  if (!user) throw notFound("USER_NOT_FOUND", "This account no longer exists.");
  return user;
}

// ---- email tokens (verification, password reset) ----

async function issueEmailToken(
  trx: Kysely<Database> | Transaction<Database>,
  kind: EmailTokenKind,
  user: User,
  email: string,
  now: Date,
  ttlSeconds: number,
): Promise<string> {
  // A new link replaces older unused ones of the same kind: only the latest email works.
  await trx
    .updateTable("email_tokens")
    .set({ used_at: now })
    .where("user_id", "=", user.id)
    .where("kind", "=", kind)
    .where("used_at", "is", null)
    .execute();
  const token = generateEmailToken();
  await trx
    .insertInto("email_tokens")
    .values({
      user_id: user.id,
      kind,
      email,
      token_hash: hashSecret(token),
      expires_at: addSeconds(now, ttlSeconds),
      created_at: now,
    })
    .execute();
  return token;
}

/** Marks a token used and returns it, if it exists, is of this kind, unused and unexpired. */
async function consumeEmailToken(
  trx: Transaction<Database>,
  kind: EmailTokenKind,
  token: string,
  now: Date,
  reasons: { invalid: string; expired: string },
) {
  const tokenHash = hashSecret(token);
  const row = await trx
    .selectFrom("email_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("kind", "=", kind)
    .forUpdate()
    .executeTakeFirst();
  if (!row || !hashesEqual(row.token_hash, tokenHash) || row.used_at !== null) {
    throw badRequest("INVALID_TOKEN", reasons.invalid);
  }
  if (row.expires_at.getTime() <= now.getTime()) throw badRequest("TOKEN_EXPIRED", reasons.expired);
  await trx.updateTable("email_tokens").set({ used_at: now }).where("id", "=", row.id).execute();
  return row;
}

export async function sendVerification(
  deps: Deps,
  trx: Kysely<Database> | Transaction<Database>,
  user: User,
  email: string,
  now: Date,
): Promise<void> {
  const token = await issueEmailToken(trx, "verify_email", user, email, now, VERIFY_TTL_SECONDS);
  const url = await accountLink(deps, trx, user, "verify_email", token);
  await enqueueEmail(
    trx,
    `verify-email:${hashKey(token)}`,
    verificationEmail(email, user.name, url),
    now,
    deps.sealer,
  );
}

const hashKey = (token: string) => Buffer.from(hashSecret(token)).toString("hex").slice(0, 32);

export async function resendVerification(deps: Deps, actor: Actor): Promise<{ sent: boolean }> {
  const now = deps.clock();
  const user = await getUser(deps.db, actor.userId);
  const pending = await deps.db
    .selectFrom("email_tokens")
    .select("email")
    .where("user_id", "=", user.id)
    .where("kind", "=", "verify_email")
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  // A pending change of address is what needs confirming; otherwise the current one.
  const email = pending?.email ?? user.email;
  if (user.email_verified_at && email.toLowerCase() === user.email.toLowerCase()) return { sent: false };
  await consumeRateLimit(deps.db, `resend-verification:${user.id}`, {
    limit: 3,
    windowSeconds: 60 * 60,
    now,
    message:
      "We already sent several confirmation emails in the last hour. Check your inbox and spam folder, or try again later.",
  });
  await runTransaction(deps, (trx) => sendVerification(deps, trx, user, email, now));
  deps.wakeOutbox();
  return { sent: true };
}

export async function verifyEmail(deps: Deps, input: { token: string }): Promise<PublicUser> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const row = await consumeEmailToken(trx, "verify_email", input.token, now, {
      invalid: "This confirmation link is not valid or was already used. Sign in and ask for a new one.",
      expired: "This confirmation link has expired. Sign in and ask for a new one.",
    });
    const before = await trx
      .selectFrom("users")
      .select("email")
      .where("id", "=", row.user_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const user = await trx
      .updateTable("users")
      .set({ email: row.email, email_verified_at: now, updated_at: now })
      .where("id", "=", row.user_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // The old address hears of the change, so a taken-over account does not go unnoticed.
    if (before.email.toLowerCase() !== row.email.toLowerCase()) {
      await enqueueEmail(
        trx,
        `email-changed:${row.id}`,
        emailChangedNotice(before.email, user.name, row.email, `${deps.config.publicUrl}/forgot-password`),
        now,
        deps.sealer,
      );
    }
    // After a change of address, reset links mailed to the old one must not work any more:
    // whoever still reads that mailbox could otherwise take the account back.
    await trx
      .updateTable("email_tokens")
      .set({ used_at: now })
      .where("user_id", "=", row.user_id)
      .where("kind", "=", "reset_password")
      .where("used_at", "is", null)
      .where((eb) => eb(eb.fn("lower", ["email"]), "!=", row.email.toLowerCase()))
      .execute();
    // An address confirmed on a domain set to automatic invitations gets its invitation now.
    await inviteByDomain(deps, trx, user, now);
    return toPublicUser(user);
  }).catch(
    conflictOnUnique({
      users_email_lower_key: () =>
        conflict(
          "EMAIL_TAKEN",
          "Another account now uses this email address, so it cannot be moved to yours.",
        ),
    }),
  );
}

// ---- password reset ----

export async function requestPasswordReset(
  deps: Deps,
  origin: RequestOrigin,
  input: { email: string },
): Promise<void> {
  const now = deps.clock();
  const message = "Too many password reset requests. Wait a while and try again.";
  await consumeRateLimit(deps.db, `reset:${input.email.toLowerCase()}`, {
    limit: 3,
    windowSeconds: 60 * 60,
    now,
    message,
  });
  if (origin.ip) {
    await consumeRateLimit(deps.db, `reset-ip:${origin.ip}`, {
      limit: 20,
      windowSeconds: 60 * 60,
      now,
      message,
    });
  }
  // The answer leaves before the address is even looked up: it is the same, in content and in
  // time, whether or not an account has this address.
  deps.defer("password reset", async () => {
    const user = await findUserByEmail(deps.db, input.email);
    if (user?.kind !== "person") return;
    await runTransaction(deps, async (trx) => {
      const token = await issueEmailToken(trx, "reset_password", user, user.email, now, RESET_TTL_SECONDS);
      const url = await accountLink(deps, trx, user, "reset_password", token);
      await enqueueEmail(
        trx,
        `reset-password:${hashKey(token)}`,
        passwordResetEmail(user.email, user.name, url),
        now,
        deps.sealer,
      );
    });
    deps.wakeOutbox();
  });
}

export async function resetPassword(deps: Deps, input: { token: string; password: string }): Promise<void> {
  const now = deps.clock();
  const passwordHash = await hashPassword(input.password);
  await runTransaction(deps, async (trx) => {
    const row = await consumeEmailToken(trx, "reset_password", input.token, now, {
      invalid: "This password reset link is not valid or was already used. Ask for a new one.",
      expired: "This password reset link has expired. Ask for a new one.",
    });
    // Receiving the email proves the address, so a reset also confirms it.
    const user = await trx
      .updateTable("users")
      .set((eb) => ({
        password_hash: passwordHash,
        email_verified_at: eb.fn.coalesce("email_verified_at", eb.val(now)),
        updated_at: now,
      }))
      .where("id", "=", row.user_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await inviteByDomain(deps, trx, user, now);
    await trx.deleteFrom("sessions").where("user_id", "=", row.user_id).execute();
  });
}
