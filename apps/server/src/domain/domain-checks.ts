import type { OrgDomain } from "@roster/db";
import type { Deps } from "../deps.js";
import { runTransaction } from "../transaction.js";
import { recordAudit } from "./audit.js";
import { hasOwnerOnDomain, hasVerificationRecord } from "./domains.js";

/**
 * Verified domains are checked again every `DOMAIN_RECHECK_HOURS`: the TXT record must still be
 * there (or, for a domain proven by address, an active owner must still have a confirmed address
 * on it). A failed check is tried again an hour later; after `MAX_CHECK_FAILURES` failures in a row
 * the domain is no longer verified (nobody is enrolled through it until it is verified again).
 * Every check is recorded in the organization's audit log.
 */
export const MAX_CHECK_FAILURES = 3;
export const RETRY_AFTER_FAILURE_SECONDS = 3600;
/** How long a claimed check stays with the instance running it before another may take it. */
const CLAIM_SECONDS = 600;

export interface DomainCheckOutcome {
  domain: string;
  outcome: "reverified" | "failed" | "unverified" | "skipped";
}

/** Checks every verified domain that is due, up to `limit`; several instances may run this at once. */
export async function recheckDueDomains(deps: Deps, limit = 100): Promise<DomainCheckOutcome[]> {
  const now = deps.clock();
  // Claim the due domains first (pushing their next check past the lookups), so that DNS is asked
  // outside any transaction and two instances never check the same domain.
  const claimed = await deps.db
    .updateTable("org_domains")
    .set({ next_check_at: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
    .where(
      "id",
      "in",
      deps.db
        .selectFrom("org_domains")
        .select("id")
        .where("status", "=", "verified")
        .where("next_check_at", "<=", now)
        .orderBy("next_check_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  const outcomes: DomainCheckOutcome[] = [];
  for (const domain of claimed) {
    outcomes.push(await recheck(deps, domain));
  }
  return outcomes;
}

async function proofHolds(deps: Deps, d: OrgDomain): Promise<{ holds: boolean; error?: string }> {
  try {
    if (d.verification_method === "email")
      return { holds: await hasOwnerOnDomain(deps.db, d.org_id, d.domain) };
    return { holds: await hasVerificationRecord(deps, d) };
  } catch (error) {
    deps.logger.warn("domain check lookup failed", { domain: d.domain, error });
    return { holds: false, error: "DNS could not be asked" };
  }
}

async function recheck(deps: Deps, claimed: OrgDomain): Promise<DomainCheckOutcome> {
  const proof = await proofHolds(deps, claimed);
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const d = await trx
      .selectFrom("org_domains")
      .selectAll()
      .where("id", "=", claimed.id)
      .forUpdate()
      .executeTakeFirst();
    // Removed, or proven anew by someone, while DNS was asked: nothing of this check applies.
    if (d?.status !== "verified" || d.verification_token !== claimed.verification_token) {
      return { domain: claimed.domain, outcome: "skipped" as const };
    }
    const base = { targetType: "domain", targetId: d.id };
    if (proof.holds) {
      await trx
        .updateTable("org_domains")
        .set({
          last_checked_at: now,
          check_failures: 0,
          next_check_at: new Date(now.getTime() + deps.config.domainRecheckHours * 3600_000),
          updated_at: now,
        })
        .where("id", "=", d.id)
        .execute();
      await recordAudit(
        trx,
        d.org_id,
        null,
        { action: "domain.reverified", ...base, data: { domain: d.domain, method: d.verification_method } },
        now,
      );
      return { domain: d.domain, outcome: "reverified" as const };
    }
    const failures = d.check_failures + 1;
    const why =
      proof.error ?? (d.verification_method === "email" ? "no owner on the domain" : "TXT record missing");
    if (failures < MAX_CHECK_FAILURES) {
      await trx
        .updateTable("org_domains")
        .set({
          last_checked_at: now,
          check_failures: failures,
          next_check_at: new Date(now.getTime() + RETRY_AFTER_FAILURE_SECONDS * 1000),
          updated_at: now,
        })
        .where("id", "=", d.id)
        .execute();
      await recordAudit(
        trx,
        d.org_id,
        null,
        { action: "domain.check_failed", ...base, data: { domain: d.domain, failures, reason: why } },
        now,
      );
      return { domain: d.domain, outcome: "failed" as const };
    }
    await trx
      .updateTable("org_domains")
      .set({
        status: "pending",
        verification_method: null,
        verified_at: null,
        verified_by: null,
        last_checked_at: now,
        check_failures: failures,
        next_check_at: null,
        updated_at: now,
      })
      .where("id", "=", d.id)
      .execute();
    await recordAudit(
      trx,
      d.org_id,
      null,
      { action: "domain.unverified", ...base, data: { domain: d.domain, failures, reason: why } },
      now,
    );
    return { domain: d.domain, outcome: "unverified" as const };
  });
}
