import type { Database, SocialProvider } from "@roster/db";
import type { Transaction } from "kysely";
import { PROVIDER_NAMES } from "../auth/social-providers.js";
import type { Actor, Deps } from "../deps.js";
import { conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { recordAudits } from "./audit.js";
import { lockAccount } from "./locks.js";
import { otherSignInMethods } from "./sign-in-methods.js";

/** The social identities linked to an account: listing them, unlinking one, and auditing both. */

/** The audit entry (and event) of a link or unlink, in every organization the person is an active member of. */
export async function auditIdentityChange(
  trx: Transaction<Database>,
  actor: Actor,
  action: "social_identity.linked" | "social_identity.unlinked",
  identity: { provider: SocialProvider; email: string },
  now: Date,
): Promise<void> {
  const orgs = await trx
    .selectFrom("memberships")
    .select("org_id")
    .where("user_id", "=", actor.userId)
    .where("status", "=", "active")
    .execute();
  for (const { org_id } of orgs) {
    await recordAudits(
      trx,
      org_id,
      actor,
      [
        {
          action,
          targetType: "user",
          targetId: actor.userId,
          data: { provider: identity.provider, email: identity.email },
        },
      ],
      now,
    );
  }
}

export interface LinkedIdentity {
  provider: SocialProvider;
  providerName: string;
  subject: string;
  email: string;
  createdAt: string;
  lastSignInAt: string | null;
}

/** The identities linked to the caller's account, oldest first. */
export async function listIdentities(deps: Deps, actor: Actor): Promise<LinkedIdentity[]> {
  const rows = await deps.db
    .selectFrom("social_identities")
    .selectAll()
    .where("user_id", "=", actor.userId)
    .orderBy("created_at")
    .orderBy("provider")
    .limit(100)
    .execute();
  return rows.map((r) => ({
    provider: r.provider,
    providerName: PROVIDER_NAMES[r.provider],
    subject: r.subject,
    email: r.email,
    createdAt: r.created_at.toISOString(),
    lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
  }));
}

/** Unlinks one of the caller's identities, unless it is their last way to sign in. */
export async function unlinkIdentity(
  deps: Deps,
  actor: Actor,
  input: { provider: SocialProvider; subject: string },
): Promise<{ ok: true }> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    // Locked, so two unlinks at once cannot each count the other as the way that remains.
    await lockAccount(deps, trx, actor.userId);
    const identity = await trx
      .selectFrom("social_identities")
      .select(["provider", "email"])
      .where("user_id", "=", actor.userId)
      .where("provider", "=", input.provider)
      .where("subject", "=", input.subject)
      .executeTakeFirst();
    if (!identity) {
      throw notFound("SOCIAL_IDENTITY_NOT_FOUND", "This linked account no longer exists. Reload the page.");
    }
    if ((await otherSignInMethods(trx, actor.userId, { identity: input })) === 0) {
      throw conflict(
        "LAST_SIGN_IN_METHOD",
        `${PROVIDER_NAMES[input.provider]} is your only way to sign in. Set a password (Forgot your password? on the sign-in page), add a passkey or link another account first.`,
      );
    }
    await trx
      .deleteFrom("social_identities")
      .where("user_id", "=", actor.userId)
      .where("provider", "=", input.provider)
      .where("subject", "=", input.subject)
      .execute();
    await auditIdentityChange(trx, actor, "social_identity.unlinked", identity, now);
  });
  deps.wakeOutbox();
  return { ok: true };
}
