import type { Database, DomainEnrollment, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import { generateEmailToken, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Deps } from "../deps.js";
import { badRequest, conflict, RosterError } from "../errors.js";
import { domainInvitationEmail } from "../mail/templates.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordAudit, recordChange } from "./audit.js";
import { type DomainView, emailDomain, findDomain, toDomainView } from "./domains.js";
import { invitationUrl } from "./host-links.js";
import { resolveGrantableRole, roleName } from "./roles.js";
import { reserveSeats } from "./seats.js";

/**
 * What a verified domain does for people on it. `invitation`: confirming an address on the domain
 * gives a pending invitation with the domain's default role. `suggestion`: the person sees the
 * organization and may ask to join (join-requests.ts). Stytch's anti-phishing rule: invitations go
 * out only while the organization has an active member with a confirmed address on the domain, so
 * an organization cannot lure a company's people merely by proving a DNS record.
 */

/** Whether an active member of the organization has a confirmed address on the domain. */
export async function hasVerifiedMemberOnDomain(
  db: Kysely<Database>,
  orgId: string,
  domain: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("u.id")
    .where("m.org_id", "=", orgId)
    .where("m.status", "=", "active")
    .where("u.email_verified_at", "is not", null)
    .where((eb) => eb(eb.fn("lower", ["u.email"]), "like", `%@${domain}`))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setEnrollment(
  deps: Deps,
  access: OrgAccess,
  input: { domainId: string; enrollment: DomainEnrollment; defaultRole?: string | undefined },
): Promise<DomainView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const domain = await findDomain(trx, access.orgId, input.domainId);
    if (input.enrollment !== "off" && domain.status !== "verified") {
      throw badRequest(
        "DOMAIN_NOT_VERIFIED",
        `Verify ${domain.domain} before letting people on it join: anyone can claim a domain they do not own.`,
      );
    }
    if (
      input.enrollment === "invitation" &&
      !(await hasVerifiedMemberOnDomain(trx, access.orgId, domain.domain))
    ) {
      throw conflict(
        "DOMAIN_NEEDS_VERIFIED_MEMBER",
        `Automatic invitations start once a member of this organization has a confirmed address on ${domain.domain}. Until then, choose suggestions.`,
      );
    }
    // No one makes newcomers more than they are themselves.
    const role = await resolveGrantableRole(trx, access, input.defaultRole ?? domain.default_role);
    const updated = await trx
      .updateTable("org_domains")
      .set({ enrollment: input.enrollment, default_role: role.key, updated_at: now })
      .where("id", "=", domain.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "domain.enrollment_changed", ["domain", domain.id], {
      domain: domain.domain,
      enrollment: input.enrollment,
      defaultRole: role.key,
    });
    return toDomainView(updated);
  });
}

/** Whether a role (built in or the organization's own) still exists. */
async function roleExists(trx: Transaction<Database>, orgId: string, key: string): Promise<boolean> {
  if (["owner", "admin", "member", "viewer"].includes(key)) return true;
  const row = await trx
    .selectFrom("roles")
    .select("key")
    .where("org_id", "=", orgId)
    .where("key", "=", key)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Called in the transaction that confirms `user`'s address (after the account row is locked): the
 * organization that verified the address's domain for automatic invitations invites them, unless
 * they are a member or invited already, the anti-phishing rule is not met, or no seat is left.
 */
export async function inviteByDomain(
  deps: Deps,
  trx: Transaction<Database>,
  user: Pick<User, "id" | "email" | "kind">,
  now: Date,
): Promise<void> {
  if (user.kind !== "person") return;
  const domain = emailDomain(user.email);
  const match = await trx
    .selectFrom("org_domains as d")
    .innerJoin("organizations as o", "o.id", "d.org_id")
    .select(["d.id", "d.org_id", "d.domain", "d.default_role", "o.name as org_name"])
    .where("d.domain", "=", domain)
    .where("d.status", "=", "verified")
    .where("d.enrollment", "=", "invitation")
    .executeTakeFirst();
  if (!match) return;
  const email = user.email.toLowerCase();
  const [member, invited] = await Promise.all([
    trx
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", match.org_id)
      .where("user_id", "=", user.id)
      .executeTakeFirst(),
    trx
      .selectFrom("invitations")
      .select("id")
      .where("org_id", "=", match.org_id)
      .where("status", "=", "pending")
      .where(sql<string>`lower(email)`, "=", email)
      .executeTakeFirst(),
  ]);
  if (member || invited) return;
  if (!(await hasVerifiedMemberOnDomain(trx, match.org_id, match.domain))) return;
  if (!(await roleExists(trx, match.org_id, match.default_role))) return;
  try {
    await reserveSeats(deps, trx, match.org_id, 1, now);
  } catch (error) {
    // A full organization simply does not invite; confirming the address still succeeds.
    if (error instanceof RosterError && error.reason === "SEAT_LIMIT") return;
    throw error;
  }
  const token = generateEmailToken();
  const expiresAt = addSeconds(now, deps.config.invitationTtlDays * 24 * 60 * 60);
  const inv = await trx
    .insertInto("invitations")
    .values({
      org_id: match.org_id,
      email: user.email,
      role: match.default_role,
      status: "pending",
      token_hash: hashSecret(token),
      token_sealed: deps.sealer.seal(token),
      metadata: JSON.stringify({ domain: match.domain }),
      inviter_id: null,
      expires_at: expiresAt,
      last_sent_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const message = domainInvitationEmail(user.email, {
    organization: match.org_name,
    domain: match.domain,
    role: (await roleName(trx, match.org_id, match.default_role)).toLowerCase(),
    url: await invitationUrl(deps, trx, { host_key_id: null, redirect_url: null }, token),
    expiresAt,
  });
  await enqueueEmail(trx, `invitation:${inv.id}:1`, message, now, deps.sealer);
  await recordAudit(
    trx,
    match.org_id,
    null,
    {
      action: "member.invited",
      targetType: "invitation",
      targetId: inv.id,
      data: { email: user.email, role: match.default_role, domain: match.domain, automatic: true },
    },
    now,
  );
}
