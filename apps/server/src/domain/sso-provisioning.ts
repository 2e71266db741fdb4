import type { Database, SsoConnection, User } from "@roster/db";
import { sql, type Transaction } from "kysely";
import { createSession, invalidateUserSessions } from "../auth/sessions.js";
import type { Actor, Deps, RequestOrigin } from "../deps.js";
import { forbidden } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { type PublicUser, toPublicUser } from "./accounts.js";
import { recordAudit } from "./audit.js";
import { emailDomain } from "./domains.js";
import { addActiveMember } from "./joining.js";
import { lockAccount } from "./locks.js";
import { reserveSeats } from "./seats.js";

/**
 * The end of a single sign-on: the provider vouched for a subject and an email address. The person
 * is found by the provider's subject, then by the address (only on one of the organization's
 * verified domains); a person seen for the first time gets an account and, like a returning one
 * without it, a membership with the connection's default role (just in time: seats and the
 * single-organization policy apply). Then a session is made.
 */

export interface ProviderIdentity {
  subject: string;
  email: string | null;
  name: string | null;
}

export interface SsoSignedIn {
  user: PublicUser;
  token: string;
  expiresAt: Date;
  orgId: string;
  provisioned: { account: boolean; membership: boolean };
}

const emailNotAllowed = () =>
  forbidden(
    "SSO_EMAIL_NOT_ALLOWED",
    "The identity provider gave no email address on this organization's verified domains. Ask your admin to check the provider's email attribute.",
  );

/** The address the provider asserted, if it is on one of the organization's verified domains. */
async function allowedEmail(
  trx: Transaction<Database>,
  orgId: string,
  email: string | null,
): Promise<string> {
  if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw emailNotAllowed();
  const domain = await trx
    .selectFrom("org_domains")
    .select("id")
    .where("org_id", "=", orgId)
    .where("domain", "=", emailDomain(email))
    .where("status", "=", "verified")
    .executeTakeFirst();
  if (!domain) throw emailNotAllowed();
  return email;
}

/** The account for this identity: by subject, then by address, else a new one. */
async function findOrCreateAccount(
  trx: Transaction<Database>,
  connection: SsoConnection,
  identity: ProviderIdentity,
  email: string,
  now: Date,
): Promise<{ user: User; created: boolean }> {
  const linked = await trx
    .selectFrom("sso_identities as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .selectAll("u")
    .where("i.connection_id", "=", connection.id)
    .where("i.subject", "=", identity.subject)
    .executeTakeFirst();
  if (linked) return { user: linked, created: false };
  const byEmail = await trx
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .where("kind", "=", "person")
    .executeTakeFirst();
  if (byEmail) {
    if (!byEmail.email_verified_at) {
      // Nobody proved this address before: whoever chose the password may not be its owner
      // (an account made in advance to wait for the real one). The provider proves it now; the
      // password and the sessions made with it go.
      await trx
        .updateTable("users")
        .set({ email_verified_at: now, password_hash: null, updated_at: now })
        .where("id", "=", byEmail.id)
        .execute();
      await invalidateUserSessions(trx, byEmail.id);
    }
    return { user: byEmail, created: false };
  }
  const name = identity.name?.slice(0, 100) || email.slice(0, email.indexOf("@"));
  const user = await trx
    .insertInto("users")
    .values({
      email,
      name,
      password_hash: null,
      email_verified_at: now,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user, created: true };
}

/** Signs the person the provider vouched for into the connection's organization. */
export async function completeSsoSignIn(
  deps: Deps,
  origin: RequestOrigin,
  connection: SsoConnection,
  identity: ProviderIdentity,
): Promise<SsoSignedIn> {
  const now = deps.clock();
  const orgId = connection.org_id;
  const result = await runTransaction(deps, async (trx) => {
    const email = await allowedEmail(trx, orgId, identity.email);
    const { user, created } = await findOrCreateAccount(trx, connection, identity, email, now);
    const actor: Actor = { userId: user.id, sessionId: null, ip: origin.ip, userAgent: origin.userAgent };
    // Lock order: the account, then the organization (seats).
    await lockAccount(deps, trx, user.id);
    const membership = await trx
      .selectFrom("memberships")
      .select(["status", "role"])
      .where("org_id", "=", orgId)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    if (membership?.status === "deactivated") {
      throw forbidden(
        "MEMBERSHIP_DEACTIVATED",
        "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
      );
    }
    if (!membership) {
      await reserveSeats(deps, trx, orgId, 1, now);
      await addActiveMember(
        deps,
        trx,
        { orgId, userId: user.id, role: connection.default_role, metadata: {}, invitedBy: null },
        now,
        "You are already a member of this organization.",
      );
      await recordAudit(
        trx,
        orgId,
        actor,
        {
          action: "member.provisioned",
          targetType: "user",
          targetId: user.id,
          data: { connectionId: connection.id, role: connection.default_role, accountCreated: created },
        },
        now,
      );
    }
    // One identity per person and connection: a person the provider now names by another subject
    // (their account there was made again) is matched by address and linked to the new subject.
    await trx
      .deleteFrom("sso_identities")
      .where("connection_id", "=", connection.id)
      .where("user_id", "=", user.id)
      .where("subject", "!=", identity.subject)
      .execute();
    await trx
      .insertInto("sso_identities")
      .values({
        connection_id: connection.id,
        subject: identity.subject,
        user_id: user.id,
        email,
        created_at: now,
        last_sign_in_at: now,
      })
      .onConflict((oc) =>
        oc.columns(["connection_id", "subject"]).doUpdateSet({ email, last_sign_in_at: now }),
      )
      .execute();
    await trx.updateTable("users").set({ last_active_org_id: orgId }).where("id", "=", user.id).execute();
    const provisioned = { account: created, membership: !membership };
    await recordAudit(
      trx,
      orgId,
      actor,
      {
        action: "sso.signed_in",
        targetType: "user",
        targetId: user.id,
        data: { connectionId: connection.id, protocol: connection.protocol, provisioned },
      },
      now,
    );
    const fresh = await trx
      .selectFrom("users")
      .selectAll()
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    return { user: fresh, provisioned };
  });
  deps.wakeOutbox();
  const { token, session } = await createSession(deps.db, result.user.id, now, origin, {
    authMethod: "sso",
    ssoOrgId: orgId,
  });
  return {
    user: toPublicUser(result.user),
    token,
    expiresAt: session.expires_at,
    orgId,
    provisioned: result.provisioned,
  };
}
