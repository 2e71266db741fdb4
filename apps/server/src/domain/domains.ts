import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import type { Database, OrgDomain } from "@roster/db";
import type { Kysely, Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, forbidden, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { lockOrganization } from "./locks.js";
import { isPublicMailDomain } from "./public-mail-domains.js";
import { conflictOnUnique } from "./unique-conflicts.js";

/**
 * Domains an organization claims. A claim is proven by a TXT record
 * `_roster-verification.<domain>` holding `roster-verification=<token>`, or by an owner whose
 * confirmed address is on the domain. A verified domain belongs to one organization at a time.
 */

/** Domains per organization (claimed or verified). */
export const MAX_DOMAINS_PER_ORG = 20;
export const VERIFICATION_RECORD_PREFIX = "_roster-verification";
export const VERIFICATION_VALUE_PREFIX = "roster-verification=";

export interface DomainView {
  id: string;
  domain: string;
  status: "pending" | "verified";
  verificationMethod: "dns" | "email" | null;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  /** The TXT record that proves the domain: to copy into the domain's DNS. */
  dnsRecord: { type: "TXT"; name: string; value: string };
  enrollment: "off" | "invitation" | "suggestion";
  defaultRole: string;
  createdAt: string;
}

export function toDomainView(d: OrgDomain): DomainView {
  return {
    id: d.id,
    domain: d.domain,
    status: d.status,
    verificationMethod: d.verification_method,
    verifiedAt: d.verified_at?.toISOString() ?? null,
    lastCheckedAt: d.last_checked_at?.toISOString() ?? null,
    dnsRecord: {
      type: "TXT",
      name: `${VERIFICATION_RECORD_PREFIX}.${d.domain}`,
      value: `${VERIFICATION_VALUE_PREFIX}${d.verification_token}`,
    },
    enrollment: d.enrollment,
    defaultRole: d.default_role,
    createdAt: d.created_at.toISOString(),
  };
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * `Acme.COM.` → `acme.com`; international names in their ASCII form (`bücher.de` → `xn--bcher-kva.de`).
 * Refuses what is not a registrable-looking host name: IP addresses, single labels, numeric TLDs.
 */
export function normalizeDomain(raw: string): string {
  const trimmed = raw.trim().toLowerCase().replace(/\.$/, "");
  const ascii = isIP(trimmed) === 0 ? domainToASCII(trimmed) : "";
  const labels = ascii.split(".");
  const tld = labels.at(-1) ?? "";
  if (
    !ascii ||
    ascii.length > 253 ||
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    /^\d+$/.test(tld)
  ) {
    throw badRequest("INVALID_DOMAIN", "Enter a domain name, like example.com.");
  }
  if (isPublicMailDomain(ascii)) {
    throw badRequest(
      "PUBLIC_MAIL_DOMAIN",
      `${ascii} is a public mail domain: anyone can have an address there, so no organization can claim it.`,
    );
  }
  return ascii;
}

/** The domain part of an address, lower case (`Ann@Acme.com` → `acme.com`). */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

const domainNotFound = () => notFound("DOMAIN_NOT_FOUND", "This domain does not exist in this organization.");
const domainTaken = (domain: string) =>
  conflict(
    "DOMAIN_TAKEN",
    `${domain} is verified by another organization. A domain belongs to one organization at a time.`,
  );

export async function findDomain(db: Kysely<Database>, orgId: string, domainId: string): Promise<OrgDomain> {
  const row = await db
    .selectFrom("org_domains")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", domainId)
    .executeTakeFirst();
  if (!row) throw domainNotFound();
  return row;
}

async function lockDomain(trx: Transaction<Database>, orgId: string, domainId: string): Promise<OrgDomain> {
  const row = await trx
    .selectFrom("org_domains")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", domainId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw domainNotFound();
  return row;
}

export async function listDomains(deps: Deps, access: OrgAccess): Promise<DomainView[]> {
  const rows = await deps.db
    .selectFrom("org_domains")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy("domain")
    .execute();
  return rows.map(toDomainView);
}

/** Claims a domain for the organization, unverified; the answer holds the TXT record to publish. */
export async function addDomain(
  deps: Deps,
  access: OrgAccess,
  input: { domain: string },
): Promise<DomainView> {
  const domain = normalizeDomain(input.domain);
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    // The organization's row serialises its claims, so the count below holds.
    await lockOrganization(deps, trx, access.orgId);
    const taken = await trx
      .selectFrom("org_domains")
      .select(["org_id"])
      .where("domain", "=", domain)
      .where("status", "=", "verified")
      .executeTakeFirst();
    if (taken && taken.org_id !== access.orgId) throw domainTaken(domain);
    const { count } = await trx
      .selectFrom("org_domains")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("org_id", "=", access.orgId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_DOMAINS_PER_ORG) {
      throw conflict(
        "DOMAIN_LIMIT",
        `An organization has at most ${MAX_DOMAINS_PER_ORG} domains. Remove one before adding another.`,
      );
    }
    const row = await trx
      .insertInto("org_domains")
      .values({
        org_id: access.orgId,
        domain,
        status: "pending",
        verification_token: randomBytes(16).toString("hex"),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(
        conflictOnUnique({
          org_domains_org_domain_key: () =>
            conflict("DOMAIN_ALREADY_ADDED", `${domain} is already one of this organization's domains.`),
        }),
      );
    await recordChange(trx, access, now, "domain.added", ["domain", row.id], { domain });
    return toDomainView(row);
  });
}

/** Whether the domain's TXT record holds this claim's token. Throws when DNS cannot be asked. */
export async function hasVerificationRecord(deps: Deps, d: Pick<OrgDomain, "domain" | "verification_token">) {
  const records = await deps.resolveTxt(`${VERIFICATION_RECORD_PREFIX}.${d.domain}`);
  const expected = `${VERIFICATION_VALUE_PREFIX}${d.verification_token}`;
  // A long TXT value may come split in several strings: they are one value joined.
  return records.some((chunks) => chunks.join("").trim() === expected);
}

/** Whether an active owner of the organization has a confirmed address on the domain. */
export async function hasOwnerOnDomain(db: Kysely<Database>, orgId: string, domain: string, userId?: string) {
  let query = db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("u.id")
    .where("m.org_id", "=", orgId)
    .where("m.role", "=", "owner")
    .where("m.status", "=", "active")
    .where("u.email_verified_at", "is not", null)
    .where((eb) => eb(eb.fn("lower", ["u.email"]), "like", `%@${domain}`));
  if (userId) query = query.where("u.id", "=", userId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Proves a claimed domain: `dns` looks up the TXT record now; `email` needs the caller to be an
 * owner whose confirmed address is on the domain. Verifying a verified domain again answers it.
 */
export async function verifyDomain(
  deps: Deps,
  access: OrgAccess,
  input: { domainId: string; method: "dns" | "email" },
): Promise<DomainView> {
  const claim = await findDomain(deps.db, access.orgId, input.domainId);
  if (claim.status === "verified") return toDomainView(claim);
  if (input.method === "dns") {
    let found: boolean;
    try {
      found = await hasVerificationRecord(deps, claim);
    } catch (error) {
      deps.logger.warn("domain verification lookup failed", { domain: claim.domain, error });
      throw badRequest(
        "DOMAIN_NOT_VERIFIED",
        `We could not ask DNS about ${claim.domain} just now. Try again in a few minutes.`,
      );
    }
    if (!found) {
      const view = toDomainView(claim);
      throw badRequest(
        "DOMAIN_NOT_VERIFIED",
        `No TXT record ${view.dnsRecord.name} with the value ${view.dnsRecord.value} was found. DNS changes can take a while to show; try again later.`,
      );
    }
  } else if (!(await hasOwnerOnDomain(deps.db, access.orgId, claim.domain, access.actor.userId))) {
    throw forbidden(
      "DOMAIN_ADDRESS_REQUIRED",
      `Verifying by address needs an owner whose confirmed email address is on ${claim.domain}. Use the TXT record instead.`,
    );
  }
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const row = await lockDomain(trx, access.orgId, input.domainId);
    if (row.status === "verified") return toDomainView(row);
    const verified = await trx
      .updateTable("org_domains")
      .set({
        status: "verified",
        verification_method: input.method,
        verified_at: now,
        verified_by: access.actor.userId,
        last_checked_at: now,
        next_check_at: new Date(now.getTime() + deps.config.domainRecheckHours * 3600_000),
        check_failures: 0,
        updated_at: now,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(conflictOnUnique({ org_domains_verified_key: () => domainTaken(row.domain) }));
    await recordChange(trx, access, now, "domain.verified", ["domain", row.id], {
      domain: row.domain,
      method: input.method,
    });
    return toDomainView(verified);
  });
}

export async function removeDomain(
  deps: Deps,
  access: OrgAccess,
  input: { domainId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await lockDomain(trx, access.orgId, input.domainId);
    await trx.deleteFrom("org_domains").where("id", "=", row.id).execute();
    await recordChange(trx, access, now, "domain.removed", ["domain", row.id], {
      domain: row.domain,
      wasVerified: row.status === "verified",
    });
  });
}
