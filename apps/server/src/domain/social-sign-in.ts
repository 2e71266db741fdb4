import { randomBytes } from "node:crypto";
import type { Database, SocialProvider, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import {
  finishSocialSignIn,
  PROVIDER_NAMES,
  SOCIAL_PROVIDERS,
  type SocialIdentity,
  socialAuthorizationUrl,
} from "../auth/social-providers.js";
import { generateSecureRandomString } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Config } from "../config.js";
import type { Actor, Deps, RequestOrigin } from "../deps.js";
import { badRequest, conflict, forbidden, notFound, RosterError } from "../errors.js";
import { assertUnderLimit, consumeRateLimit, countFailure } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { issueSession, type SignedIn } from "./accounts.js";
import { inviteByDomain } from "./domain-enrollment.js";
import { afterSignUp } from "./hooks.js";
import { lockAccount } from "./locks.js";
import { auditIdentityChange } from "./social-identities.js";
import { assertPasswordSignInAllowed } from "./sso-enforcement.js";
import { safeReturnPath } from "./sso-sign-in.js";
import { type PendingSecondFactor, pendingSecondFactor } from "./two-factor-sign-in.js";
import { conflictOnUnique } from "./unique-conflicts.js";

/**
 * Sign-in with Google, GitHub and Microsoft, and linking those identities to an account. A flow row
 * (`social_flows`) is written when the person leaves for the provider and taken (deleted) when they
 * come back, so each answer is used once and any instance can receive it; the browser that started
 * it holds its id in a cookie, and the provider must send back the same id as `state`.
 *
 * The linking rule: an identity is linked to an account only when the provider verified its email
 * address and either (signing in) that address is the account's confirmed address, or (linking) the
 * person is signed in to the account, which proves it is theirs. An account whose address nobody
 * confirmed is never linked by address: whoever chose its password may not own the address.
 */

export const SOCIAL_FLOW_TTL_SECONDS = 10 * 60;
/** Flows one network address may start in an hour (each writes a row). */
const STARTS_PER_IP_PER_HOUR = 120;
// Failed callbacks count with failed password sign-ins from the same network address.
const failedSignInKey = (ip: string | null) => `sign-in-ip:${ip ?? "unknown"}`;
// An id no account has: the SSO enforcement check for a person who has no account yet.
const NO_ACCOUNT = "00000000-0000-0000-0000-000000000000";

/** The providers this deployment offers (those with a client ID and secret), in a fixed order. */
export function enabledProviders(config: Config): { id: SocialProvider; name: string }[] {
  return SOCIAL_PROVIDERS.filter((p) => config.social[p] !== null).map((id) => ({
    id,
    name: PROVIDER_NAMES[id],
  }));
}

/** Where the provider sends the browser back (register it with the provider). */
export const socialRedirectUri = (config: Config, provider: SocialProvider) =>
  `${config.publicUrl}/auth/social/${provider}/callback`;

function assertConfigured(config: Config, provider: string): asserts provider is SocialProvider {
  if (
    !(SOCIAL_PROVIDERS as readonly string[]).includes(provider) ||
    !config.social[provider as SocialProvider]
  ) {
    throw notFound(
      "SOCIAL_PROVIDER_NOT_CONFIGURED",
      "Sign-in with this provider is not offered here. Use another way to sign in.",
    );
  }
}

const flowInvalid = () =>
  badRequest(
    "SOCIAL_FLOW_INVALID",
    "This sign-in is no longer valid (it expired, was used, or began in another browser). Start again.",
  );

/**
 * Starts a sign-in (`userId` null) or a link to the signed-in account: the provider's URL to send
 * the browser to, and the flow id for the browser's cookie.
 */
export async function startSocialFlow(
  deps: Deps,
  origin: RequestOrigin,
  input: { provider: string; userId: string | null; returnTo?: string | null | undefined },
): Promise<{ url: string; flowId: string }> {
  assertConfigured(deps.config, input.provider);
  const provider = input.provider;
  const now = deps.clock();
  await consumeRateLimit(deps.db, `social-start-ip:${origin.ip ?? "unknown"}`, {
    limit: STARTS_PER_IP_PER_HOUR,
    windowSeconds: 60 * 60,
    now,
    message: "Too many sign-ins were started from your network. Wait an hour and try again.",
  });
  const id = generateSecureRandomString();
  const challenge = {
    state: id,
    // 32 random bytes, base64url: a PKCE verifier of 43 characters (RFC 7636).
    codeVerifier: randomBytes(32).toString("base64url"),
    nonce: provider === "github" ? null : generateSecureRandomString(),
  };
  const url = await socialAuthorizationUrl(
    deps.config.social,
    provider,
    socialRedirectUri(deps.config, provider),
    challenge,
  );
  // Flows nobody finished are dropped as new ones start.
  await deps.db.deleteFrom("social_flows").where("expires_at", "<", now).execute();
  await deps.db
    .insertInto("social_flows")
    .values({
      id,
      provider,
      purpose: input.userId ? "link" : "sign_in",
      user_id: input.userId,
      code_verifier: challenge.codeVerifier,
      nonce: challenge.nonce,
      return_to: safeReturnPath(input.returnTo),
      created_at: now,
      expires_at: addSeconds(now, SOCIAL_FLOW_TTL_SECONDS),
    })
    .execute();
  return { url, flowId: id };
}

export type SocialOutcome =
  | { kind: "signed_in"; signedIn: SignedIn; returnTo: string | null }
  | { kind: "two_factor"; pending: PendingSecondFactor; returnTo: string | null }
  | { kind: "linked"; provider: SocialProvider; returnTo: string | null };

export interface SocialCallback {
  provider: string;
  code: string | null;
  state: string | null;
  /** The provider's `error` parameter (the person declined, for instance) and its description. */
  error: string | null;
  errorDescription?: string | null;
  /** The flow id from the browser's cookie. */
  flowCookie: string | undefined;
  /** The account the browser is signed in to, if any (a link must come back to it). */
  signedInUserId: string | null;
}

/** The provider's redirect back: checks the flow, trades the code, then signs in or links. */
export async function finishSocialFlow(
  deps: Deps,
  origin: RequestOrigin,
  input: SocialCallback,
): Promise<SocialOutcome> {
  const now = deps.clock();
  const ipKey = failedSignInKey(origin.ip);
  await assertUnderLimit(deps.db, ipKey, {
    limit: deps.config.rateLimits.failedSignInsPerIpPerHour,
    windowSeconds: 60 * 60,
    now,
    message: "Too many failed sign-ins from your network. Wait an hour and try again.",
  });
  try {
    return await finish(deps, origin, input, now);
  } catch (error) {
    if (error instanceof RosterError && error.code !== "TOO_MANY_REQUESTS") {
      await countFailure(deps.db, [ipKey], { windowSeconds: 60 * 60, now });
    }
    throw error;
  }
}

async function finish(deps: Deps, origin: RequestOrigin, input: SocialCallback, now: Date) {
  assertConfigured(deps.config, input.provider);
  const provider = input.provider;
  const state = input.state ?? "";
  if (!state || state.length > 64 || !input.flowCookie || input.flowCookie !== state) throw flowInvalid();
  // Taken whatever happens next: an answer is used once.
  const flow = await deps.db
    .deleteFrom("social_flows")
    .where("id", "=", state)
    .returningAll()
    .executeTakeFirst();
  if (!flow || flow.expires_at.getTime() <= now.getTime() || flow.provider !== provider) throw flowInvalid();
  if (flow.purpose === "link" && flow.user_id !== input.signedInUserId) throw flowInvalid();
  if (input.error || !input.code) {
    throw badRequest(
      "SOCIAL_RESPONSE_INVALID",
      input.error === "access_denied"
        ? `You did not allow Roster to use your ${PROVIDER_NAMES[provider]} account. Start again to sign in with it.`
        : `${PROVIDER_NAMES[provider]} did not complete the sign-in (${[input.error ?? "no code", input.errorDescription].filter(Boolean).join(": ").slice(0, 200)}). Start again.`,
    );
  }
  const identity = await finishSocialSignIn(
    deps.config.social,
    provider,
    socialRedirectUri(deps.config, provider),
    {
      code: input.code,
      codeVerifier: flow.code_verifier,
      nonce: flow.nonce,
    },
  );
  const returnTo = flow.return_to;
  if (flow.purpose === "link" && flow.user_id) {
    await linkToAccount(deps, origin, flow.user_id, provider, identity);
    return { kind: "linked" as const, provider, returnTo };
  }
  const user = await accountForIdentity(deps, origin, provider, identity);
  // An account with a second factor is asked for it, as after a password (its session then
  // records `<provider>+totp`, `+passkey` or `+recovery_code`).
  const pending = await pendingSecondFactor(deps, user.id, provider);
  if (pending) return { kind: "two_factor" as const, pending, returnTo };
  const signedIn = await issueSession(deps, origin, user, { authMethod: provider, twoFactor: false });
  return { kind: "signed_in" as const, signedIn, returnTo };
}

const emailNotVerified = (provider: SocialProvider) =>
  forbidden(
    "SOCIAL_EMAIL_NOT_VERIFIED",
    `${PROVIDER_NAMES[provider]} has not verified your email address, so it cannot sign you in here. Verify the address with ${PROVIDER_NAMES[provider]}, or sign in another way.`,
  );

/** The provider's address, if it vouched for it. */
function verifiedEmail(provider: SocialProvider, identity: SocialIdentity): string {
  const email = identity.email;
  if (!email || !identity.emailVerified || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw emailNotVerified(provider);
  }
  return email;
}

async function insertIdentity(
  trx: Transaction<Database>,
  row: { provider: SocialProvider; subject: string; userId: string; email: string },
  now: Date,
  signedIn: boolean,
): Promise<void> {
  await trx
    .insertInto("social_identities")
    .values({
      provider: row.provider,
      subject: row.subject,
      user_id: row.userId,
      email: row.email,
      created_at: now,
      last_sign_in_at: signedIn ? now : null,
    })
    .execute();
}

const identityTaken = (provider: SocialProvider) =>
  conflict(
    "SOCIAL_IDENTITY_TAKEN",
    `This ${PROVIDER_NAMES[provider]} account is already linked to another Roster account. Sign in to that one, or unlink it there first.`,
  );

/**
 * The account a sign-in is for: the one the identity is linked to; else the person's account with
 * the same confirmed address, which the identity is then linked to; else a new account (the
 * provider verified the address, so it starts confirmed).
 */
async function accountForIdentity(
  deps: Deps,
  origin: RequestOrigin,
  provider: SocialProvider,
  identity: SocialIdentity,
): Promise<User> {
  const now = deps.clock();
  const linked = await deps.db
    .selectFrom("social_identities as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .selectAll("u")
    .where("i.provider", "=", provider)
    .where("i.subject", "=", identity.subject)
    .executeTakeFirst();
  if (linked) {
    // Members of an organization that enforces its identity provider sign in through it.
    await assertPasswordSignInAllowed(deps, linked);
    await deps.db
      .updateTable("social_identities")
      .set({
        last_sign_in_at: now,
        ...(identity.email && identity.emailVerified ? { email: identity.email } : {}),
      })
      .where("provider", "=", provider)
      .where("subject", "=", identity.subject)
      .execute();
    return linked;
  }
  const email = verifiedEmail(provider, identity);
  const existing = await findPerson(deps.db, email);
  await assertPasswordSignInAllowed(deps, { id: existing?.id ?? NO_ACCOUNT, email });
  const user = await runTransaction(deps, async (trx) => {
    const actorOf = (user: User): Actor => ({
      userId: user.id,
      sessionId: null,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    if (existing) {
      if (existing.kind !== "person" || !existing.email_verified_at) {
        throw conflict(
          "SOCIAL_LINK_PROOF_REQUIRED",
          `An account with ${email} exists, but its address is not confirmed. Sign in to it with its password (or reset the password), then link ${PROVIDER_NAMES[provider]} from your account's security settings.`,
        );
      }
      await lockAccount(deps, trx, existing.id);
      await insertIdentity(
        trx,
        { provider, subject: identity.subject, userId: existing.id, email },
        now,
        true,
      );
      await auditIdentityChange(trx, actorOf(existing), "social_identity.linked", { provider, email }, now);
      return existing;
    }
    // A new account is a sign-up: the same budget per network address, the same organizations.
    await consumeRateLimit(trx, `sign-up-ip:${origin.ip ?? "unknown"}`, {
      limit: deps.config.rateLimits.signUpsPerIpPerHour,
      windowSeconds: 60 * 60,
      now,
      message: "Too many accounts were created from your network. Wait an hour and try again.",
    });
    const created = await trx
      .insertInto("users")
      .values({
        email,
        name: identity.name?.slice(0, 100) || email.slice(0, email.indexOf("@")),
        password_hash: null,
        email_verified_at: now,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertIdentity(trx, { provider, subject: identity.subject, userId: created.id, email }, now, true);
    // What signing up and then confirming the address do: a personal organization, and the
    // automatic invitation of an organization that verified the address's domain.
    await afterSignUp(deps, trx, created, now);
    await inviteByDomain(deps, trx, created, now);
    await auditIdentityChange(trx, actorOf(created), "social_identity.linked", { provider, email }, now);
    return created;
  }).catch(
    conflictOnUnique({
      // Two first sign-ins of the same identity at once: the second finds it taken.
      social_identities_pkey: () => identityTaken(provider),
      users_email_lower_key: () =>
        conflict("EMAIL_TAKEN", "An account with this email address was just created. Sign in again."),
    }),
  );
  deps.wakeOutbox();
  return user;
}

function findPerson(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

/** Links the identity to the signed-in account that started the flow. */
async function linkToAccount(
  deps: Deps,
  origin: RequestOrigin,
  userId: string,
  provider: SocialProvider,
  identity: SocialIdentity,
): Promise<void> {
  const now = deps.clock();
  const email = verifiedEmail(provider, identity);
  const actor: Actor = { userId, sessionId: null, ip: origin.ip, userAgent: origin.userAgent };
  await runTransaction(deps, async (trx) => {
    await lockAccount(deps, trx, userId);
    const existing = await trx
      .selectFrom("social_identities")
      .select("user_id")
      .where("provider", "=", provider)
      .where("subject", "=", identity.subject)
      .executeTakeFirst();
    if (existing && existing.user_id !== userId) throw identityTaken(provider);
    if (existing) {
      await trx
        .updateTable("social_identities")
        .set({ email })
        .where("provider", "=", provider)
        .where("subject", "=", identity.subject)
        .execute();
      return;
    }
    await insertIdentity(trx, { provider, subject: identity.subject, userId, email }, now, false);
    await auditIdentityChange(trx, actor, "social_identity.linked", { provider, email }, now);
  }).catch(conflictOnUnique({ social_identities_pkey: () => identityTaken(provider) }));
  deps.wakeOutbox();
}
