import { type Database, type Invitation, prepared } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { orgNotFound } from "./access.js";

/*
 * Row locks are always taken in one order (docs/architecture.md, "Locks"):
 *   account (users row) → organization row → the organization's active owners → the membership
 *   being changed → invitations → other rows of the organization.
 * Two transactions that lock in the same order wait for each other instead of deadlocking.
 * `FOR NO KEY UPDATE` is used on rows that other tables reference: it serializes the writers like
 * `FOR UPDATE`, but does not conflict with the `FOR KEY SHARE` lock a foreign-key check takes
 * when a row referencing it (a membership, an audit entry…) is inserted.
 */

/** Locks an account's row: everything that adds a membership to it runs one at a time. */
export async function lockAccount(deps: Deps, trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.selectFrom("users").select("id").where("id", "=", userId).forNoKeyUpdate().executeTakeFirst();
  await deps.afterLock?.("account", userId);
}

/** Locks an organization's row (seats, and the order of changes that count them); returns its seat limit. */
export async function lockOrganization(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
): Promise<{ seatLimit: number | null }> {
  const org = await trx
    .selectFrom("organizations")
    .select("seat_limit")
    .where("id", "=", orgId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!org) throw orgNotFound();
  await deps.afterLock?.("organization", orgId);
  return { seatLimit: org.seat_limit };
}

/**
 * `lockOrganization` that also reads, in the same statement, what an invitation email names: the
 * organization's name and the inviter's.
 */
export async function lockOrganizationToInvite(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
  inviterId: string,
): Promise<{ seatLimit: number | null; name: string; inviterName: string | null }> {
  // Every invitation waits for this lock: a prepared statement, parsed and planned once per connection.
  const query = trx
    .selectFrom("organizations as o")
    .select((eb) => [
      "o.seat_limit",
      "o.name",
      eb.selectFrom("users as u").select("u.name").where("u.id", "=", inviterId).as("inviter_name"),
    ])
    .where("o.id", "=", orgId)
    .forNoKeyUpdate("o");
  const [org] = (await trx.executeQuery(prepared(query.compile()))).rows;
  if (!org) throw orgNotFound();
  await deps.afterLock?.("organization", orgId);
  return { seatLimit: org.seat_limit, name: org.name, inviterName: org.inviter_name };
}

/** Locks one invitation's row: accept, decline, revoke and resend of it run one after another. */
export async function lockInvitation(
  deps: Deps,
  trx: Transaction<Database>,
  invitationId: string,
  orgId?: string,
): Promise<Invitation | undefined> {
  let query = trx.selectFrom("invitations").selectAll().where("id", "=", invitationId);
  if (orgId !== undefined) query = query.where("org_id", "=", orgId);
  const inv = await query.forUpdate().executeTakeFirst();
  await deps.afterLock?.("invitation", invitationId);
  return inv;
}

/**
 * Whether `userId` is an active member of `orgId`, holding that membership (FOR SHARE) so it cannot
 * be deactivated or removed before the caller's transaction ends: resources only go to such members.
 */
export async function lockActiveMember(
  trx: Transaction<Database>,
  orgId: string,
  userId: string,
): Promise<boolean> {
  const member = await trx
    .selectFrom("memberships")
    .select("status")
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .forShare()
    .executeTakeFirst();
  return member?.status === "active";
}
