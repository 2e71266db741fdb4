import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import { DEFAULT_EMBED_SCOPES, type EmbedScope } from "../auth/embed-scopes.js";
import type { HostKey } from "../auth/host-keys.js";
import { createSession } from "../auth/sessions.js";
import { generateEmailToken, hashesEqual, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Deps, RequestOrigin } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { accountLinkEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { consumeRateLimit } from "../rate-limit.js";
import { runTransaction } from "../transaction.js";
import { findUserByEmail } from "./accounts.js";
import { inviteByDomain } from "./domain-enrollment.js";
import { afterSignUp } from "./hooks.js";
import { getHostLinks, requireAllowedRedirect } from "./host-links.js";
import { lockAccount } from "./locks.js";
import { conflictOnUnique } from "./unique-conflicts.js";

export const EMBED_TOKEN_TTL_SECONDS = 60 * 60;
const LINK_TTL_SECONDS = 24 * 60 * 60;
const LINKS_PER_ADDRESS_PER_HOUR = 3;

const emailTaken = () => conflict("EMAIL_TAKEN", "Another Roster account already uses this email address.");

/**
 * A host product's backend vouches for one of its users and gets a short-lived bearer token for
 * the browser widgets, limited to `scopes` (and to one organization with `orgId`).
 *
 * An external identity belongs to the host that made it. The host's first call for an external id
 * makes a new account (the host has authenticated the person and owns the address, so it counts as
 * verified) — unless an account already uses the address: then the host must ask that account's
 * owner to link it (`startLink`); matching an address never hands a host an account it did not
 * make. Later calls update the name and address only of an account this host made.
 */
export async function createEmbedToken(
  deps: Deps,
  host: HostKey,
  origin: RequestOrigin,
  input: {
    externalUserId: string;
    email: string;
    name: string;
    scopes?: readonly EmbedScope[] | undefined;
    orgId?: string | undefined;
  },
): Promise<{ token: string; expiresAt: string; userId: string; scopes: EmbedScope[] }> {
  const now = deps.clock();
  const userId = await runTransaction(deps, async (trx) => {
    const linked = await trx
      .selectFrom("external_identities as e")
      .innerJoin("users as u", "u.id", "e.user_id")
      .select(["u.id", "u.email", "u.name", "u.host_key_id"])
      .where("e.host_key_id", "=", host.id)
      .where("e.external_user_id", "=", input.externalUserId)
      .executeTakeFirst();
    if (linked) {
      // An account its owner linked stays theirs: its address and name change only in Roster.
      const madeByHost = linked.host_key_id === host.id;
      if (madeByHost && (linked.email !== input.email || linked.name !== input.name)) {
        await trx
          .updateTable("users")
          .set({ email: input.email, name: input.name, email_verified_at: now, updated_at: now })
          .where("id", "=", linked.id)
          .execute();
      }
      return linked.id;
    }
    if (await findUserByEmail(trx, input.email)) {
      throw conflict(
        "EMBED_LINK_REQUIRED",
        "A Roster account already uses this email address. Ask its owner to connect it: call embed.startLink, which emails them a link.",
      );
    }
    const user = await trx
      .insertInto("users")
      .values({
        email: input.email,
        name: input.name,
        email_verified_at: now,
        host_key_id: host.id,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await afterSignUp(deps, trx, user, now);
    // The host vouches for the address: a domain set to automatic invitations invites it now.
    await inviteByDomain(deps, trx, user, now);
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
      users_email_lower_key: emailTaken,
      external_identities_pkey: () =>
        conflict("CONFLICT", "This user was linked by a concurrent request. Try again."),
    }),
  );
  if (input.orgId) {
    const org = await deps.db
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", input.orgId)
      .executeTakeFirst();
    if (!org) throw notFound("ORG_NOT_FOUND", "This organization does not exist.");
  }
  const scopes = [...new Set(input.scopes ?? DEFAULT_EMBED_SCOPES)];
  const { token, session } = await createSession(deps.db, userId, now, origin, {
    kind: "embed",
    ttlSeconds: EMBED_TOKEN_TTL_SECONDS,
    embed: { hostKeyId: host.id, externalUserId: input.externalUserId, scopes, orgId: input.orgId ?? null },
  });
  return { token, expiresAt: session.expires_at.toISOString(), userId, scopes };
}

/** Ends every embed token this host holds for one of its users, at once. */
export async function revokeEmbedTokens(
  deps: Deps,
  host: HostKey,
  input: { externalUserId: string },
): Promise<{ revoked: number }> {
  const result = await deps.db
    .deleteFrom("sessions")
    .where("host_key_id", "=", host.id)
    .where("external_user_id", "=", input.externalUserId)
    .where("kind", "=", "embed")
    .executeTakeFirst();
  return { revoked: Number(result.numDeletedRows) };
}

/**
 * Asks the owner of an existing account to connect it to this host's external user: a one-time
 * link is emailed to the account's address, and only opening it (`completeLink`) ties the two.
 */
export async function startLink(
  deps: Deps,
  host: HostKey,
  input: { externalUserId: string; email: string; redirectUrl?: string | undefined },
): Promise<{ sent: true; expiresAt: string }> {
  const now = deps.clock();
  if (input.redirectUrl !== undefined) {
    requireAllowedRedirect((await getHostLinks(deps.db, host.id)).redirectUrls, input.redirectUrl);
  }
  const expiresAt = addSeconds(now, LINK_TTL_SECONDS);
  await runTransaction(deps, async (trx) => {
    const existing = await trx
      .selectFrom("external_identities")
      .select("user_id")
      .where("host_key_id", "=", host.id)
      .where("external_user_id", "=", input.externalUserId)
      .executeTakeFirst();
    if (existing) {
      throw conflict("EXTERNAL_ID_LINKED", "This external user is already tied to a Roster account.");
    }
    const user = await findUserByEmail(trx, input.email);
    if (user?.kind !== "person") {
      throw notFound(
        "USER_NOT_FOUND",
        "No Roster account uses this email address. Call embed.createToken to make one for this user.",
      );
    }
    await consumeRateLimit(trx, `identity-link:${host.id}:${user.id}`, {
      limit: LINKS_PER_ADDRESS_PER_HOUR,
      windowSeconds: 60 * 60,
      now,
      message: "This address was sent several connection links in the last hour. Wait a while and try again.",
    });
    const token = generateEmailToken();
    const link = await trx
      .insertInto("identity_links")
      .values({
        host_key_id: host.id,
        external_user_id: input.externalUserId,
        user_id: user.id,
        email: user.email,
        token_hash: hashSecret(token),
        redirect_url: input.redirectUrl ?? null,
        expires_at: expiresAt,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const url = `${deps.config.publicUrl}/link-account/${token}`;
    await enqueueEmail(
      trx,
      `identity-link:${link.id}`,
      accountLinkEmail(user.email, user.name, host.name, url),
      now,
      deps.sealer,
    );
  });
  deps.wakeOutbox();
  return { sent: true, expiresAt: expiresAt.toISOString() };
}

/** What the person who opens a connection link sees before and after confirming it. */
export interface LinkPreview {
  host: string;
  email: string;
  redirectUrl: string | null;
}

function findLink(db: Kysely<Database>, token: string) {
  const tokenHash = hashSecret(token);
  return db
    .selectFrom("identity_links as l")
    .innerJoin("host_api_keys as h", "h.id", "l.host_key_id")
    .select([
      "l.id",
      "l.host_key_id",
      "l.external_user_id",
      "l.user_id",
      "l.email",
      "l.token_hash",
      "l.redirect_url",
      "l.expires_at",
      "l.used_at",
      "h.name as host_name",
      "h.revoked_at as host_revoked_at",
    ])
    .where("l.token_hash", "=", tokenHash);
}

const invalidLink = () =>
  badRequest(
    "INVALID_TOKEN",
    "This connection link is not valid or was already used. Ask the product for a new one.",
  );

/** Which host a connection link is for (shown before the person confirms it). */
export async function previewLink(deps: Deps, input: { token: string }): Promise<LinkPreview> {
  const row = await findLink(deps.db, input.token).executeTakeFirst();
  if (!row || row.used_at || row.host_revoked_at || !hashesEqual(row.token_hash, hashSecret(input.token))) {
    throw invalidLink();
  }
  if (row.expires_at.getTime() <= deps.clock().getTime()) {
    throw badRequest("TOKEN_EXPIRED", "This connection link has expired. Ask the product for a new one.");
  }
  return { host: row.host_name, email: row.email, redirectUrl: row.redirect_url };
}

/**
 * The account's owner opened the emailed link: the address is proven, and the host's external user
 * now acts as this account. If the account's address was never confirmed, whoever made the account
 * did not prove it: their password and sessions go, as with a password reset.
 */
export async function completeLink(deps: Deps, input: { token: string }): Promise<LinkPreview> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const row = await findLink(trx, input.token).forUpdate("l").executeTakeFirst();
    if (!row || row.used_at || row.host_revoked_at || !hashesEqual(row.token_hash, hashSecret(input.token))) {
      throw invalidLink();
    }
    if (row.expires_at.getTime() <= now.getTime()) {
      throw badRequest("TOKEN_EXPIRED", "This connection link has expired. Ask the product for a new one.");
    }
    await lockAccount(deps, trx, row.user_id);
    const user = await trx
      .selectFrom("users")
      .select(["email", "email_verified_at"])
      .where("id", "=", row.user_id)
      .executeTakeFirst();
    // The link proves the address it was sent to, and nothing once the account has moved on.
    if (!user || user.email.toLowerCase() !== row.email.toLowerCase()) throw invalidLink();
    await trx.updateTable("identity_links").set({ used_at: now }).where("id", "=", row.id).execute();
    if (!user.email_verified_at) {
      await trx
        .updateTable("users")
        .set({ email_verified_at: now, password_hash: null, updated_at: now })
        .where("id", "=", row.user_id)
        .execute();
      await trx.deleteFrom("sessions").where("user_id", "=", row.user_id).execute();
    }
    await trx
      .insertInto("external_identities")
      .values({
        host_key_id: row.host_key_id,
        external_user_id: row.external_user_id,
        user_id: row.user_id,
        created_at: now,
      })
      .execute();
    return { host: row.host_name, email: row.email, redirectUrl: row.redirect_url };
  }).catch(
    conflictOnUnique({
      external_identities_pkey: () =>
        conflict("EXTERNAL_ID_LINKED", "This external user is already tied to a Roster account."),
    }),
  );
}
