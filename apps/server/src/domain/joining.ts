import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { assertMayJoinAnotherOrganization } from "./organizations.js";

/**
 * Makes a person an active member: refused with ALREADY_MEMBER when they are one (`alreadyMember`
 * says so in the words of whoever asked), and under the single-organization policy. Accepting an
 * invitation and approving a join request both add members through this.
 */
export async function addActiveMember(
  deps: Deps,
  trx: Transaction<Database>,
  member: { orgId: string; userId: string; role: string; metadata: unknown; invitedBy: string | null },
  now: Date,
  alreadyMember: string,
): Promise<void> {
  const existing = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("org_id", "=", member.orgId)
    .where("user_id", "=", member.userId)
    .executeTakeFirst();
  if (existing) throw conflict("ALREADY_MEMBER", alreadyMember);
  await assertMayJoinAnotherOrganization(deps, trx, member.userId);
  await trx
    .insertInto("memberships")
    .values({
      org_id: member.orgId,
      user_id: member.userId,
      role: member.role,
      status: "active",
      metadata: JSON.stringify(member.metadata),
      invited_by: member.invitedBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
