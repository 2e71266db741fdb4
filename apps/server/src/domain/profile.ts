import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { invalidateUserSessions } from "../auth/sessions.js";
import type { Actor, Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { consumeRateLimit } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { findUserByEmail, getUser, type PublicUser, sendVerification, toPublicUser } from "./accounts.js";
import { noticeSecurityChange } from "./security-notices.js";

/** A signed-in person's own account: name, password, email address, and their sessions. */

export async function updateProfile(deps: Deps, actor: Actor, input: { name: string }): Promise<PublicUser> {
  const user = await deps.db
    .updateTable("users")
    .set({ name: input.name, updated_at: deps.clock() })
    .where("id", "=", actor.userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPublicUser(user);
}

export async function changePassword(
  deps: Deps,
  actor: Actor,
  input: { current: string; next: string },
): Promise<{ endedSessions: number }> {
  const now = deps.clock();
  const user = await getUser(deps.db, actor.userId);
  // Asking for the current password keeps a stolen session from taking the account over; without a
  // limit, that session could guess the password as fast as the server answers.
  await consumeRateLimit(deps.db, `change-password:${user.id}`, {
    limit: 10,
    windowSeconds: 15 * 60,
    now,
    message: "Too many attempts to change your password. Wait a few minutes and try again.",
  });
  if (!user.password_hash || !(await verifyPassword(user.password_hash, input.current))) {
    throw badRequest("INVALID_PASSWORD", "Your current password is incorrect.");
  }
  const passwordHash = await hashPassword(input.next);
  const endedSessions = await runTransaction(deps, async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, updated_at: now })
      .where("id", "=", user.id)
      .execute();
    await noticeSecurityChange(deps, trx, user.id, { kind: "password_changed" }, now);
    return invalidateUserSessions(trx, user.id, actor.sessionId ?? undefined);
  });
  return { endedSessions };
}

/** The new address takes effect only once its owner follows the link sent to it. */
export async function changeEmail(
  deps: Deps,
  actor: Actor,
  input: { email: string },
): Promise<{ pendingEmail: string }> {
  const now = deps.clock();
  const user = await getUser(deps.db, actor.userId);
  if (user.email.toLowerCase() === input.email.toLowerCase()) {
    throw badRequest("EMAIL_UNCHANGED", "This is already your email address.");
  }
  // Counted first, so the answer below cannot be used to test many addresses for an account.
  await consumeRateLimit(deps.db, `change-email:${user.id}`, {
    limit: 5,
    windowSeconds: 60 * 60,
    now,
    message: "Too many email changes in the last hour. Try again later.",
  });
  if (await findUserByEmail(deps.db, input.email)) {
    throw conflict("EMAIL_TAKEN", "Another account uses this email address. Choose a different one.");
  }
  await runTransaction(deps, (trx) => sendVerification(deps, trx, user, input.email, now));
  deps.wakeOutbox();
  return { pendingEmail: input.email };
}

// ---- sessions ----

export interface SessionSummary {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** How the session was signed in: `password`, `password+totp`, `passkey`… */
  authMethod: string;
  current: boolean;
}

export async function listSessions(deps: Deps, actor: Actor): Promise<SessionSummary[]> {
  const rows = await deps.db
    .selectFrom("sessions")
    .select(["id", "created_at", "last_seen_at", "expires_at", "user_agent", "ip", "auth_method"])
    .where("user_id", "=", actor.userId)
    .where("expires_at", ">", deps.clock())
    .orderBy("last_seen_at", "desc")
    .execute();
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.created_at.toISOString(),
    lastSeenAt: s.last_seen_at.toISOString(),
    expiresAt: s.expires_at.toISOString(),
    userAgent: s.user_agent,
    ip: s.ip,
    authMethod: s.auth_method,
    current: s.id === actor.sessionId,
  }));
}

export async function revokeSession(deps: Deps, actor: Actor, input: { sessionId: string }): Promise<void> {
  const result = await deps.db
    .deleteFrom("sessions")
    .where("id", "=", input.sessionId)
    .where("user_id", "=", actor.userId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n)
    throw notFound("SESSION_NOT_FOUND", "This session does not exist or already ended.");
}

export async function revokeOtherSessions(deps: Deps, actor: Actor): Promise<{ endedSessions: number }> {
  return { endedSessions: await invalidateUserSessions(deps.db, actor.userId, actor.sessionId ?? "") };
}
