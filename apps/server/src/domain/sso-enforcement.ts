import type { User } from "@roster/db";
import type { Deps } from "../deps.js";
import { ssoRequired } from "./access.js";
import { emailDomain } from "./domains.js";

/**
 * "Members on this domain must use SSO": a person whose address is on a domain verified by an
 * organization that enforces its identity provider signs in through it, not with a password, and
 * reaches that organization only with a session its provider made (access.ts). The organization's
 * active owners are the exception, so that an owner can still sign in and repair or switch off the
 * connection when the provider breaks.
 */
export async function assertPasswordSignInAllowed(
  deps: Deps,
  user: Pick<User, "id" | "email">,
): Promise<void> {
  const enforcing = await deps.db
    .selectFrom("org_domains as d")
    .innerJoin("sso_connections as c", "c.org_id", "d.org_id")
    .leftJoin("memberships as m", (j) =>
      j.onRef("m.org_id", "=", "d.org_id").on("m.user_id", "=", user.id).on("m.status", "=", "active"),
    )
    .select(["d.org_id", "m.role"])
    .where("d.domain", "=", emailDomain(user.email))
    .where("d.status", "=", "verified")
    .where("c.enforced", "=", true)
    .executeTakeFirst();
  if (enforcing && enforcing.role !== "owner") throw ssoRequired();
}
