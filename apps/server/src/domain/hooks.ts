import type { Database, User } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { isOpenInvitationFor } from "./invitation-acceptance.js";
import { createPersonalOrganization } from "./organizations.js";

/**
 * Places where accounts meet organizations, so that accounts.ts does not depend on the
 * organization rules directly.
 */
export async function afterSignUp(
  deps: Deps,
  trx: Transaction<Database>,
  user: User,
  now: Date,
  invitationToken?: string,
): Promise<void> {
  // Someone signing up to accept an invitation joins that organization; a personal one as well
  // only when the deployment wants it (PERSONAL_ORGANIZATIONS_FOR_INVITEES).
  const invited =
    invitationToken !== undefined && (await isOpenInvitationFor(trx, invitationToken, user.email, now));
  if (invited && !deps.config.personalOrganizationsForInvitees) return;
  await createPersonalOrganization(deps, trx, user, now);
}
