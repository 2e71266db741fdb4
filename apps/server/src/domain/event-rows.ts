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

export async function eventInvitation(db: Kysely<Database>, invitationId: string) {
  const inv = await db
    .selectFrom("invitations")
    .select(["id", "email", "role", "expires_at"])
    .where("id", "=", invitationId)
    .executeTakeFirstOrThrow();
  return { id: inv.id, email: inv.email, role: inv.role, expiresAt: inv.expires_at.toISOString() };
}
