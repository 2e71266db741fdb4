import type { Database } from "@roster/db";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Transaction } from "kysely";
import {
  type AuthenticationJSON,
  type CreationOptionsJSON,
  type RegistrationJSON,
  type RequestOptionsJSON,
  relyingParty,
  storeChallenge,
  takeChallenge,
} from "../auth/webauthn.js";
import type { Actor, Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { lazy } from "../lazy.js";
import { consumeRateLimit } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { getUser } from "./accounts.js";
import { lockAccount } from "./locks.js";
import { noticeSecurityChange } from "./security-notices.js";
import { otherSignInMethods } from "./sign-in-methods.js";
import { afterSecondFactorRemoved, markSessionTwoFactor } from "./two-factor.js";
import { conflictOnUnique } from "./unique-conflicts.js";

/**
 * Passkeys (WebAuthn credentials): several per account, each with a name; used to sign in alone
 * (a discoverable credential, with user verification) or as the second factor after a password.
 */

const webauthn = lazy(() => import("@simplewebauthn/server"));

export interface PasskeyView {
  id: string;
  name: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

const rejected = (why: string) =>
  badRequest(
    "PASSKEY_REJECTED",
    `This passkey could not be verified (${why}). Try again, or use another way to sign in.`,
  );

const passkeyNotFound = () => notFound("PASSKEY_NOT_FOUND", "This passkey does not exist on your account.");

export async function listPasskeys(deps: Deps, actor: Actor): Promise<PasskeyView[]> {
  const rows = await deps.db
    .selectFrom("passkeys")
    .select(["id", "name", "backed_up", "created_at", "last_used_at"])
    .where("user_id", "=", actor.userId)
    .orderBy("created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    backedUp: r.backed_up,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
  }));
}

/** Options for `navigator.credentials.create()`; the challenge is kept server side, for one use. */
export async function startPasskeyRegistration(
  deps: Deps,
  actor: Actor,
): Promise<{ challengeId: string; options: CreationOptionsJSON }> {
  const now = deps.clock();
  const user = await getUser(deps.db, actor.userId);
  const rp = relyingParty(deps.config);
  const existing = await deps.db
    .selectFrom("passkeys")
    .select(["credential_id", "transports"])
    .where("user_id", "=", user.id)
    .execute();
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    // The same authenticator twice is refused by the browser itself.
    excludeCredentials: existing.map((c) => ({
      id: c.credential_id,
      transports: c.transports,
    })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  const challengeId = await storeChallenge(deps.db, "passkey_registration", user.id, options.challenge, now);
  return { challengeId, options };
}

export async function finishPasskeyRegistration(
  deps: Deps,
  actor: Actor,
  input: { challengeId: string; name?: string | undefined; response: RegistrationJSON },
): Promise<PasskeyView> {
  const now = deps.clock();
  const challenge = await takeChallenge(
    deps.db,
    input.challengeId,
    "passkey_registration",
    actor.userId,
    now,
  );
  const rp = relyingParty(deps.config);
  const verification = await (await webauthn())
    .verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: false,
    })
    .catch((error: Error) => {
      throw rejected(error.message);
    });
  if (!verification.verified) throw rejected("the authenticator's answer did not verify");
  const { credential, credentialBackedUp } = verification.registrationInfo;
  const row = await runTransaction(deps, async (trx) => {
    const count = await trx
      .selectFrom("passkeys")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", actor.userId)
      .executeTakeFirstOrThrow();
    const inserted = await trx
      .insertInto("passkeys")
      .values({
        user_id: actor.userId,
        credential_id: credential.id,
        public_key: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports ?? input.response.response.transports ?? [],
        name: input.name ?? `Passkey ${Number(count.n) + 1}`,
        backed_up: credentialBackedUp,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await markSessionTwoFactor(trx, actor);
    await noticeSecurityChange(
      deps,
      trx,
      actor.userId,
      { kind: "passkey_added", passkey: inserted.name },
      now,
    );
    return inserted;
  }).catch(
    conflictOnUnique({
      passkeys_credential_id_key: () =>
        conflict("PASSKEY_ALREADY_REGISTERED", "This passkey is already registered to an account."),
    }),
  );
  return {
    id: row.id,
    name: row.name,
    backedUp: row.backed_up,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: null,
  };
}

export async function renamePasskey(deps: Deps, actor: Actor, input: { passkeyId: string; name: string }) {
  const result = await deps.db
    .updateTable("passkeys")
    .set({ name: input.name })
    .where("id", "=", input.passkeyId)
    .where("user_id", "=", actor.userId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw passkeyNotFound();
}

/** Removes one of the caller's passkeys, unless it is their last way to sign in. */
export async function removePasskey(deps: Deps, actor: Actor, input: { passkeyId: string }) {
  await runTransaction(deps, async (trx) => {
    // Locked, so two removals at once (or a removal and an unlink) cannot each count the other as
    // the way that remains.
    await lockAccount(deps, trx, actor.userId);
    const passkey = await trx
      .selectFrom("passkeys")
      .select("name")
      .where("id", "=", input.passkeyId)
      .where("user_id", "=", actor.userId)
      .executeTakeFirst();
    if (!passkey) throw passkeyNotFound();
    if ((await otherSignInMethods(trx, actor.userId, { passkeyId: input.passkeyId })) === 0) {
      throw conflict(
        "LAST_SIGN_IN_METHOD",
        `${passkey.name} is your only way to sign in. Set a password (Forgot your password? on the sign-in page), add another passkey or link another account first.`,
      );
    }
    const removed = await trx
      .deleteFrom("passkeys")
      .where("id", "=", input.passkeyId)
      .where("user_id", "=", actor.userId)
      .returning("name")
      .executeTakeFirst();
    if (!removed) throw passkeyNotFound();
    await afterSecondFactorRemoved(trx, actor.userId);
    await noticeSecurityChange(
      deps,
      trx,
      actor.userId,
      { kind: "passkey_removed", passkey: removed.name },
      deps.clock(),
    );
  });
}

/**
 * Checks a passkey's answer to `challenge`: the credential must be registered (to `userId`, when
 * given), the answer signed by its key for this relying party from an allowed origin, and its
 * counter must move forward (a cloned authenticator's replays are refused). The new counter is
 * written only if no other sign-in wrote one at least as high meanwhile.
 */
export async function verifyPasskeyAssertion(
  deps: Deps,
  trx: Transaction<Database>,
  response: AuthenticationJSON,
  challenge: string,
  options: { userId: string | null; requireUserVerification: boolean },
): Promise<{ userId: string; userVerified: boolean }> {
  let query = trx.selectFrom("passkeys").selectAll().where("credential_id", "=", response.id);
  if (options.userId) query = query.where("user_id", "=", options.userId);
  const passkey = await query.forUpdate().executeTakeFirst();
  if (!passkey) throw rejected("it is not registered to this account");
  const rp = relyingParty(deps.config);
  const verification = await (await webauthn())
    .verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
      requireUserVerification: options.requireUserVerification,
    })
    .catch((error: Error) => {
      throw rejected(error.message);
    });
  if (!verification.verified) throw rejected("the signature did not verify");
  const { newCounter, userVerified } = verification.authenticationInfo;
  await trx
    .updateTable("passkeys")
    .set({ counter: newCounter, last_used_at: deps.clock() })
    .where("id", "=", passkey.id)
    .execute();
  return { userId: passkey.user_id, userVerified };
}

/** Passkey sign-ins one address may start in ten minutes. */
export const PASSKEY_SIGN_IN_STARTS_PER_IP = 30;

/** Sign-in with a passkey alone: options for a discoverable credential (the browser lists the person's). */
export async function startPasskeySignIn(
  deps: Deps,
  origin: { ip: string | null },
): Promise<{ challengeId: string; options: RequestOptionsJSON }> {
  // Each start stores a challenge: like other sign-in steps, a limit per address keeps a script
  // from filling the table (and from probing the endpoint as fast as the server answers).
  await consumeRateLimit(deps.db, `passkey-sign-in-ip:${origin.ip ?? "unknown"}`, {
    limit: PASSKEY_SIGN_IN_STARTS_PER_IP,
    windowSeconds: 10 * 60,
    now: deps.clock(),
    message: "Too many passkey sign-ins were started from your network. Wait a few minutes and try again.",
  });
  const rp = relyingParty(deps.config);
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
  });
  const challengeId = await storeChallenge(deps.db, "passkey_sign_in", null, options.challenge, deps.clock());
  return { challengeId, options };
}

/** Checks a passkey sign-in; answers the account it belongs to. A verified user makes it two-factor. */
export async function finishPasskeySignIn(
  deps: Deps,
  input: { challengeId: string; response: AuthenticationJSON },
): Promise<{ userId: string }> {
  const now = deps.clock();
  const challenge = await takeChallenge(deps.db, input.challengeId, "passkey_sign_in", null, now);
  return runTransaction(deps, (trx) =>
    verifyPasskeyAssertion(deps, trx, input.response, challenge, {
      userId: null,
      requireUserVerification: true,
    }),
  );
}

/** Options for the passkey as a second factor: only the account's own passkeys are allowed. */
export async function secondFactorPasskeyOptions(deps: Deps, userId: string): Promise<RequestOptionsJSON> {
  const rp = relyingParty(deps.config);
  const allow = await deps.db
    .selectFrom("passkeys")
    .select(["credential_id", "transports"])
    .where("user_id", "=", userId)
    .execute();
  return (await webauthn()).generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "preferred",
    allowCredentials: allow.map((c) => ({
      id: c.credential_id,
      transports: c.transports,
    })),
  });
}
