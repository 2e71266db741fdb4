import type { Database } from "@roster/db";
import type { EventMember } from "@roster/events";
import type { Kysely } from "kysely";

/** The rows an event carries, read in the transaction that made the change (as it left them). */

export async function eventMember(db: Kysely<Database>, userId: string): Promise<EventMember> {
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "name", "kind"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    serviceAccount: user.kind === "service_account",
  };
}

export async function membershipRole(db: Kysely<Database>, orgId: string, userId: string): Promise<string> {
  const row = await db
    .selectFrom("memberships")
    .select("role")
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.role;
}

export async function eventOrganization(db: Kysely<Database>, orgId: string) {
  return db
    .selectFrom("organizations")
    .select(["id", "name", "slug", "personal"])
    .where("id", "=", orgId)
    .executeTakeFirstOrThrow();
}

export interface EventInvitation {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
}

export async function eventInvitation(db: Kysely<Database>, invitationId: string): Promise<EventInvitation> {
  const inv = (await eventInvitations(db, [invitationId])).get(invitationId);
  if (!inv) throw new Error(`No invitation ${invitationId}.`);
  return inv;
}

/** Several invitations as events carry them, in one statement. */
export async function eventInvitations(
  db: Kysely<Database>,
  invitationIds: readonly string[],
): Promise<Map<string, EventInvitation>> {
  const rows = await db
    .selectFrom("invitations")
    .select(["id", "email", "role", "expires_at"])
    .where("id", "in", [...new Set(invitationIds)])
    .execute();
  return new Map(rows.map((inv) => [inv.id, toEventInvitation(inv)]));
}

export function toEventInvitation(inv: {
  id: string;
  email: string;
  role: string;
  expires_at: Date;
}): EventInvitation {
  return { id: inv.id, email: inv.email, role: inv.role, expiresAt: inv.expires_at.toISOString() };
}
