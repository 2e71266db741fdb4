import type { Database } from "@roster/db";
import type { EventType } from "@roster/events";
import type { Kysely } from "kysely";
import { eventMember, membershipRole } from "./event-rows.js";

/**
 * What the single sign-on entries of the audit log publish (merged into EVENTS_FOR_ACTION in
 * event-sources.ts): the connection's changes, each SSO sign-in, the membership a first
 * sign-in made (`membership.joined` with `via: "sso"`), and identities linked for social sign-in.
 */

interface SsoChange {
  orgId: string;
  entry: { targetId?: string };
  data: Record<string, unknown>;
}
type SsoDerive = (
  db: Kysely<Database>,
  change: SsoChange,
) => Promise<{ type: EventType; target: { type: string; id: string }; data: Record<string, unknown> }[]>;

async function connectionOf(db: Kysely<Database>, id: string, data: Record<string, unknown>) {
  const row = await db
    .selectFrom("sso_connections")
    .select(["id", "protocol", "enforced"])
    .where("id", "=", id)
    .executeTakeFirst();
  // A deleted connection is gone by the time its entry is written: the entry holds it.
  return row ?? { id, protocol: data.protocol, enforced: data.enforced };
}

const connectionEvent =
  (type: EventType): SsoDerive =>
  async (db, change) => {
    const id = String(change.entry.targetId);
    const connection = await connectionOf(db, id, change.data);
    const changed = Array.isArray(change.data.changed) ? { changed: change.data.changed } : {};
    return [
      {
        type,
        target: { type: "sso_connection", id },
        data: { connection, ...(type === "sso_connection.updated" ? { changed: [], ...changed } : {}) },
      },
    ];
  };

/** A member linked or unlinked a Google, GitHub or Microsoft identity (social-sign-in.ts). */
const identityEvent =
  (type: EventType): SsoDerive =>
  async (db, change) => {
    const userId = String(change.entry.targetId);
    return [
      {
        type,
        target: { type: "user", id: userId },
        data: {
          member: await eventMember(db, userId),
          identity: { provider: change.data.provider, email: change.data.email },
        },
      },
    ];
  };

export const SSO_EVENTS_FOR_ACTION: Record<string, SsoDerive> = {
  "sso_connection.created": connectionEvent("sso_connection.created"),
  "sso_connection.updated": connectionEvent("sso_connection.updated"),
  "sso_connection.deleted": connectionEvent("sso_connection.deleted"),
  "member.provisioned": async (db, change) => {
    const userId = String(change.entry.targetId);
    return [
      {
        type: "membership.joined",
        target: { type: "user", id: userId },
        data: {
          member: await eventMember(db, userId),
          role: await membershipRole(db, change.orgId, userId),
          via: "sso",
        },
      },
    ];
  },
  "sso.signed_in": async (db, change) => {
    const userId = String(change.entry.targetId);
    return [
      {
        type: "sso.signed_in",
        target: { type: "user", id: userId },
        data: {
          member: await eventMember(db, userId),
          connection: await connectionOf(db, String(change.data.connectionId), change.data),
          provisioned: change.data.provisioned,
        },
      },
    ];
  },
  "social_identity.linked": identityEvent("social_identity.linked"),
  "social_identity.unlinked": identityEvent("social_identity.unlinked"),
};
