import type { HostKey } from "../auth/host-keys.js";
import { createSession } from "../auth/sessions.js";
import type { Deps, RequestOrigin } from "../deps.js";
import { conflict } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { findUserByEmail } from "./accounts.js";
import { afterSignUp } from "./hooks.js";
import { conflictOnUnique } from "./unique-conflicts.js";

export const EMBED_TOKEN_TTL_SECONDS = 60 * 60;

/**
 * A host product's backend vouches for one of its users: Roster finds (or creates) the account tied
 * to that external id and returns a short-lived bearer token the browser widgets use. The host
 * has authenticated the person and owns the address, so the address counts as verified.
 */
export async function createEmbedToken(
  deps: Deps,
  host: HostKey,
  origin: RequestOrigin,
  input: { externalUserId: string; email: string; name: string },
): Promise<{ token: string; expiresAt: string; userId: string }> {
  const now = deps.clock();
  const userId = await runTransaction(deps, async (trx) => {
    const linked = await trx
      .selectFrom("external_identities as e")
      .innerJoin("users as u", "u.id", "e.user_id")
      .select(["u.id", "u.email", "u.name"])
      .where("e.host_key_id", "=", host.id)
      .where("e.external_user_id", "=", input.externalUserId)
      .executeTakeFirst();
    if (linked) {
      if (linked.email !== input.email || linked.name !== input.name) {
        await trx
          .updateTable("users")
          .set({ email: input.email, name: input.name, email_verified_at: now, updated_at: now })
          .where("id", "=", linked.id)
          .execute();
      }
      return linked.id;
    }
    let user = await findUserByEmail(trx, input.email);
    if (!user) {
      user = await trx
        .insertInto("users")
        .values({
          email: input.email,
          name: input.name,
          email_verified_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await afterSignUp(deps, trx, user, now);
    } else if (!user.email_verified_at) {
      // Whoever made this account never proved the address; the host now vouches for its owner.
      // The unproven password and its sessions go, so they cannot ride on the verified address.
      await trx
        .updateTable("users")
        .set({ email_verified_at: now, password_hash: null, updated_at: now })
        .where("id", "=", user.id)
        .execute();
      await trx.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    }
    await trx
      .insertInto("external_identities")
      .values({
        host_key_id: host.id,
        external_user_id: input.externalUserId,
        user_id: user.id,
        created_at: now,
      })
      .execute();
    return user.id;
  }).catch(
    conflictOnUnique({
      users_email_lower_key: () =>
        conflict("EMAIL_TAKEN", "Another Roster account already uses this email address."),
      external_identities_pkey: () =>
        conflict("CONFLICT", "This user was linked by a concurrent request. Try again."),
    }),
  );
  const { token, session } = await createSession(deps.db, userId, now, origin, {
    kind: "embed",
    ttlSeconds: EMBED_TOKEN_TTL_SECONDS,
  });
  return { token, expiresAt: session.expires_at.toISOString(), userId };
}
