import type { Database } from "@roster/db";
import type { EventType } from "@roster/events";
import type { Kysely } from "kysely";
import { eventMember, membershipRole } from "./event-rows.js";

/** What SCIM provisioning's audit entries publish (merged into EVENTS_FOR_ACTION). */

interface ScimChange {
  orgId: string;
  entry: { action: string; targetType?: string; targetId?: string };
  data: Record<string, unknown>;
}
type ScimDerive = (
  db: Kysely<Database>,
  change: ScimChange,
) => Promise<
  { type: EventType; target?: { type: string; id: string } | null; data: Record<string, unknown> }[]
>;

function targetOf(change: ScimChange): { type: string; id: string } {
  const { targetType, targetId } = change.entry;
  if (!targetType || !targetId) throw new Error(`Audit entry ${change.entry.action} names no target.`);
  return { type: targetType, id: targetId };
}

function tokenEvent(type: EventType): ScimDerive {
  return async (_db, change) => [
    {
      type,
      target: targetOf(change),
      data: { scimToken: { id: targetOf(change).id, name: String(change.data.name ?? "") } },
    },
  ];
}

export const SCIM_EVENTS_FOR_ACTION: Record<string, ScimDerive> = {
  "member.provisioned": async (db, change) => {
    const userId = targetOf(change).id;
    return [
      {
        type: "membership.joined",
        target: targetOf(change),
        data: {
          member: await eventMember(db, userId),
          role: await membershipRole(db, change.orgId, userId),
          via: "scim",
        },
      },
    ];
  },
  "scim.user_updated": async (db, change) => [
    {
      type: "scim_user.updated",
      target: targetOf(change),
      data: {
        member: await eventMember(db, targetOf(change).id),
        changed: Array.isArray(change.data.changed) ? change.data.changed : [],
      },
    },
  ],
  "scim_token.created": tokenEvent("scim_token.created"),
  "scim_token.revoked": tokenEvent("scim_token.revoked"),
  "scim.group_role_mapped": async (db, change) => {
    const group = await db
      .selectFrom("groups")
      .select(["id", "name"])
      .where("id", "=", targetOf(change).id)
      .executeTakeFirstOrThrow();
    const role = typeof change.data.role === "string" ? change.data.role : null;
    return [{ type: "scim_group.role_mapped", target: targetOf(change), data: { group, role } }];
  },
};
