import type { Database } from "@roster/db";
import type { EventType } from "@roster/events";
import type { Kysely } from "kysely";
import type { Actor } from "../deps.js";
import {
  type EventInvitation,
  eventInvitation,
  eventMember,
  eventOrganization,
  membershipRole,
} from "./event-rows.js";
import { SCIM_EVENTS_FOR_ACTION } from "./scim-event-sources.js";
import { SSO_EVENTS_FOR_ACTION } from "./sso-event-sources.js";

/**
 * What each audited action publishes: the events an entry of the audit log stands for, built from
 * the entry and from the rows as the change left them (read in its transaction). Most of the log
 * (usage, webhooks' own settings) publishes nothing.
 */

/** An event before it is stamped with an id, a time and the organization. */
export interface NewEvent {
  type: EventType;
  target?: { type: string; id: string } | null;
  data: Record<string, unknown>;
}

/** An entry of the audit log; the ones that change what a host mirrors are also published. */
export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export interface Change {
  orgId: string;
  actor: Actor | null;
  entry: AuditEntry;
  data: Record<string, unknown>;
  /** The invitations a batch of entries names, read once for all of them (else each is read). */
  invitations?: ReadonlyMap<string, EventInvitation> | undefined;
}
export type Derive = (trx: Kysely<Database>, change: Change) => Promise<NewEvent[]>;

async function eventGroup(db: Kysely<Database>, change: Change) {
  const row = await db
    .selectFrom("groups")
    .select(["id", "name"])
    .where("id", "=", target(change).id)
    .executeTakeFirst();
  // A deleted group is gone by the time its entry is written: its name is in the entry.
  return row ?? { id: target(change).id, name: String(change.data.name) };
}

function target(change: Change): { type: string; id: string } {
  const { targetType, targetId } = change.entry;
  if (!targetType || !targetId) throw new Error(`Audit entry ${change.entry.action} names no target.`);
  return { type: targetType, id: targetId };
}

const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
const asString = (value: unknown) => (typeof value === "string" ? value : undefined);

const invitationOf = (db: Kysely<Database>, change: Change, id: string) =>
  change.invitations?.get(id) ?? eventInvitation(db, id);

function invitationEvent(type: EventType): Derive {
  return async (db, change) => [
    { type, target: target(change), data: { invitation: await invitationOf(db, change, target(change).id) } },
  ];
}

function membershipStatusEvent(type: EventType): Derive {
  return async (db, change) => {
    const userId = target(change).id;
    const member = await eventMember(db, userId);
    return [
      {
        type,
        target: target(change),
        data: { member, role: await membershipRole(db, change.orgId, userId) },
      },
    ];
  };
}

const membershipRemoved: Derive = async (db, change) => [
  {
    type: "membership.removed",
    target: target(change),
    data: {
      member: await eventMember(db, target(change).id),
      role: String(change.data.role),
      left: change.entry.action === "member.left",
      ...optional("transferTo", asString(change.data.transferTo)),
    },
  },
];

function workspaceEvent(type: EventType): Derive {
  return async (db, change) => {
    const id = target(change).id;
    const row = await db
      .selectFrom("workspaces")
      .select(["id", "name", "parent_id"])
      .where("id", "=", id)
      .executeTakeFirst();
    const workspace = row
      ? { id: row.id, name: row.name, parentId: row.parent_id }
      : { id, name: String(change.data.name), parentId: (change.data.parentId as string | null) ?? null };
    const data: Record<string, unknown> = { workspace };
    if (type === "workspace.updated" || type === "workspace.moved") data.changed = change.data.changed ?? [];
    if (type === "workspace.moved") data.fromParentId = change.data.fromParentId ?? null;
    return [{ type, target: target(change), data }];
  };
}

function grantEvent(type: EventType): Derive {
  return async (_db, change) => [
    {
      type,
      target: target(change),
      data: {
        workspaceId: target(change).id,
        principal: { type: change.data.principalType, id: change.data.principalId },
        role: change.data.role,
      },
    },
  ];
}

function groupMemberEvent(type: EventType): Derive {
  return async (db, change) => [
    {
      type,
      target: target(change),
      data: {
        group: await eventGroup(db, change),
        member: await eventMember(db, String(change.data.userId)),
      },
    },
  ];
}

const settingChanged: Derive = async (db, change) => {
  const key = target(change).id;
  const deleted = change.entry.action === "setting.deleted";
  const secret = change.data.secret === true;
  let value: unknown;
  if (!deleted && !secret) {
    const row = await db
      .selectFrom("org_settings")
      .select("value")
      .where("org_id", "=", change.orgId)
      .where("key", "=", key)
      .executeTakeFirst();
    value = row?.value ?? null;
  }
  return [
    {
      type: "setting.changed",
      target: target(change),
      data: { key, secret, deleted, ...optional("value", value) },
    },
  ];
};

function resourceEvent(type: EventType, fields: readonly string[] = []): Derive {
  return async (_db, change) => {
    const data: Record<string, unknown> = { resource: change.data.resource };
    for (const field of fields) if (change.data[field] !== undefined) data[field] = change.data[field];
    return [{ type, target: target(change), data }];
  };
}

function roleEvent(type: EventType): Derive {
  return async (_db, change) => {
    const role: Record<string, unknown> = { key: target(change).id };
    if (type !== "role.deleted") role.permissions = change.data.permissions ?? [];
    return [{ type, target: target(change), data: { role } }];
  };
}

function apiKeyEvent(type: EventType): Derive {
  return async (_db, change) => [
    {
      type,
      target: { type: "api_key", id: String(change.data.keyId) },
      data: {
        apiKey: {
          id: String(change.data.keyId),
          name: String(change.data.name ?? ""),
          serviceAccountId: target(change).id,
        },
      },
    },
  ];
}

function domainEvent(type: EventType, fields: readonly string[]): Derive {
  return async (_db, change) => {
    const data: Record<string, unknown> = { domain: { id: target(change).id, name: change.data.domain } };
    for (const field of fields) if (change.data[field] !== undefined) data[field] = change.data[field];
    return [{ type, target: target(change), data }];
  };
}

export const EVENTS_FOR_ACTION: Record<string, Derive> = {
  "org.created": async (db, change) => {
    const organization = await eventOrganization(db, change.orgId);
    const creator = await db
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", change.orgId)
      .where("role", "=", "owner")
      .executeTakeFirstOrThrow();
    return [
      { type: "organization.created", target: target(change), data: { organization } },
      {
        type: "membership.joined",
        target: { type: "user", id: creator.user_id },
        data: { member: await eventMember(db, creator.user_id), role: "owner", via: "organization_created" },
      },
    ];
  },
  "org.updated": async (db, change) => [
    {
      type: "organization.updated",
      target: target(change),
      data: { organization: await eventOrganization(db, change.orgId), changed: change.data.changed ?? [] },
    },
  ],
  "org.ownership_transferred": async (db, change) => {
    if (!change.actor) throw new Error("An ownership transfer has an actor.");
    return [
      {
        type: "ownership.transferred",
        target: target(change),
        data: {
          from: { ...(await eventMember(db, change.actor.userId)), role: "admin" },
          to: {
            ...(await eventMember(db, target(change).id)),
            role: "owner",
            previousRole: String(change.data.previousRole),
          },
        },
      },
    ];
  },

  "member.invited": async (db, change) => [
    {
      type: "invitation.created",
      target: target(change),
      data: {
        invitation: await invitationOf(db, change, target(change).id),
        ...optional("workspaces", change.data.workspaces),
      },
    },
  ],
  "invitation.resent": invitationEvent("invitation.resent"),
  "invitation.revoked": invitationEvent("invitation.revoked"),
  "invitation.declined": invitationEvent("invitation.declined"),
  "join_request.approved": async (db, change) => {
    const userId = String(change.data.userId);
    return [
      {
        type: "membership.joined",
        target: { type: "user", id: userId },
        data: {
          member: await eventMember(db, userId),
          role: await membershipRole(db, change.orgId, userId),
          via: "join_request",
          joinRequestId: target(change).id,
        },
      },
    ];
  },
  "member.joined": async (db, change) => {
    const userId = target(change).id;
    const invitationId = String(change.data.invitationId);
    return [
      {
        type: "invitation.accepted",
        target: { type: "invitation", id: invitationId },
        data: { invitation: await eventInvitation(db, invitationId), userId },
      },
      {
        type: "membership.joined",
        target: target(change),
        data: {
          member: await eventMember(db, userId),
          role: await membershipRole(db, change.orgId, userId),
          via: "invitation",
          invitationId,
        },
      },
    ];
  },

  "member.role_changed": async (db, change) => [
    {
      type: "membership.role_changed",
      target: target(change),
      data: { member: await eventMember(db, target(change).id), from: change.data.from, to: change.data.to },
    },
  ],
  "member.deactivated": membershipStatusEvent("membership.deactivated"),
  "member.reactivated": membershipStatusEvent("membership.reactivated"),
  "member.removed": membershipRemoved,
  "member.left": membershipRemoved,

  "workspace.created": workspaceEvent("workspace.created"),
  "workspace.updated": workspaceEvent("workspace.updated"),
  "workspace.moved": workspaceEvent("workspace.moved"),
  "workspace.deleted": workspaceEvent("workspace.deleted"),
  "workspace.access_granted": grantEvent("workspace_grant.created"),
  "workspace.access_revoked": grantEvent("workspace_grant.revoked"),

  "group.created": async (db, change) => [
    { type: "group.created", target: target(change), data: { group: await eventGroup(db, change) } },
  ],
  "group.updated": async (db, change) => [
    {
      type: "group.updated",
      target: target(change),
      data: { group: await eventGroup(db, change), ...optional("previousName", asString(change.data.from)) },
    },
  ],
  "group.deleted": async (db, change) => [
    { type: "group.deleted", target: target(change), data: { group: await eventGroup(db, change) } },
  ],
  "group.member_added": groupMemberEvent("group_member.added"),
  "group.member_removed": groupMemberEvent("group_member.removed"),

  "setting.updated": settingChanged,
  "setting.deleted": settingChanged,

  "role.created": roleEvent("role.created"),
  "role.updated": roleEvent("role.updated"),
  "role.deleted": roleEvent("role.deleted"),

  "resource.created": resourceEvent("resource.created"),
  "resource.updated": resourceEvent("resource.updated", ["changed"]),
  "resource.state_changed": resourceEvent("resource.state_changed", ["from", "to", "action"]),
  "resource.transferred": resourceEvent("resource.transferred", ["from", "to", "reason"]),
  "resource.deleted": resourceEvent("resource.deleted"),

  "service_account.created": async (db, change) => {
    const member = await eventMember(db, target(change).id);
    const role = String(change.data.role);
    return [
      { type: "service_account.created", target: target(change), data: { serviceAccount: member, role } },
      { type: "membership.joined", target: target(change), data: { member, role, via: "service_account" } },
    ];
  },
  "service_account.updated": async (db, change) => [
    {
      type: "service_account.updated",
      target: target(change),
      data: { serviceAccount: await eventMember(db, target(change).id), changed: change.data.changed ?? [] },
    },
  ],
  "service_account.deleted": async (db, change) => {
    const member = await eventMember(db, target(change).id);
    const transferTo = optional("transferTo", asString(change.data.transferTo));
    return [
      {
        type: "service_account.deleted",
        target: target(change),
        data: { serviceAccount: member, ...transferTo },
      },
      {
        type: "membership.removed",
        target: target(change),
        data: { member, role: String(change.data.role), left: false, ...transferTo },
      },
    ];
  },
  "api_key.created": apiKeyEvent("api_key.created"),
  "api_key.revoked": apiKeyEvent("api_key.revoked"),

  "domain.verified": domainEvent("domain.verified", ["method"]),
  "domain.unverified": domainEvent("domain.unverified", ["failures", "reason"]),
  "domain.removed": domainEvent("domain.removed", ["wasVerified"]),
  ...SCIM_EVENTS_FOR_ACTION,
  ...SSO_EVENTS_FOR_ACTION,
};
