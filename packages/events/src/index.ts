import { z } from "zod";

/**
 * The event catalogue: every change to an organization that a host product can mirror, with the
 * schema of its `data`. Webhooks send these events and the events feed (`events.list`) returns
 * them; both carry the same envelope (`eventEnvelope`).
 *
 * Versioning: each type's payload has a `version`. Fields are only ever added within a version;
 * removing or changing the meaning of a field makes a new version, announced in the changelog.
 */
export const EVENT_VERSION = 1;

/** A member as a receiver needs them: who to create, block or unblock on its own systems. */
export const memberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  /** Service accounts are members too (they take a seat); this says which ones are not people. */
  serviceAccount: z.boolean(),
});
export type EventMember = z.infer<typeof memberSchema>;

/** A sign-in identity at Google, GitHub or Microsoft, by provider and the address it vouched for. */
export const socialIdentitySchema = z.object({
  provider: z.enum(["google", "github", "microsoft"]),
  email: z.string(),
});

const organizationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  personal: z.boolean(),
});

const invitationSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.string(),
  expiresAt: z.iso.datetime(),
});

const workspaceSchema = z.object({ id: z.uuid(), name: z.string(), parentId: z.uuid().nullable() });

const groupSchema = z.object({ id: z.uuid(), name: z.string() });

const resourceSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  name: z.string(),
  state: z.string(),
  workspaceId: z.uuid().nullable(),
  ownerId: z.uuid().nullable(),
});

const apiKeySchema = z.object({ id: z.string(), name: z.string(), serviceAccountId: z.uuid() });

const principalSchema = z.object({
  type: z.enum(["member", "group", "invitation"]),
  id: z.uuid(),
});

const domainSchema = z.object({ id: z.uuid(), name: z.string() });

const ssoConnectionSchema = z.object({
  id: z.uuid(),
  protocol: z.enum(["oidc", "saml"]),
  enforced: z.boolean(),
});

const changed = z.array(z.string());

const scimTokenSchema = z.object({ id: z.string(), name: z.string() });

/** The `data` of each event type. */
export const EVENT_SCHEMAS = {
  "organization.created": z.object({ organization: organizationSchema }),
  "organization.updated": z.object({ organization: organizationSchema, changed }),
  /** Every membership, invitation and grant of the organization ended with it. */
  "organization.deleted": z.object({ organization: organizationSchema, members: z.number().int() }),

  /**
   * Someone became a member: by creating the organization, accepting an invitation, having a join
   * request approved, or as a service account.
   */
  "membership.joined": z.object({
    member: memberSchema,
    role: z.string(),
    via: z.enum(["organization_created", "invitation", "join_request", "service_account", "scim", "sso"]),
    invitationId: z.uuid().optional(),
    joinRequestId: z.uuid().optional(),
  }),
  "membership.role_changed": z.object({ member: memberSchema, from: z.string(), to: z.string() }),
  /** A deactivated member keeps the seat and the role but has no access: block their accounts. */
  "membership.deactivated": z.object({ member: memberSchema, role: z.string() }),
  "membership.reactivated": z.object({ member: memberSchema, role: z.string() }),
  /** `left`: the member left on their own. Resources they owned went to `transferTo`. */
  "membership.removed": z.object({
    member: memberSchema,
    role: z.string(),
    left: z.boolean(),
    transferTo: z.uuid().optional(),
  }),
  /** The new owner's role is now `owner`; the previous owner's is `admin`. */
  "ownership.transferred": z.object({
    from: memberSchema.extend({ role: z.literal("admin") }),
    to: memberSchema.extend({ role: z.literal("owner"), previousRole: z.string() }),
  }),

  "invitation.created": z.object({
    invitation: invitationSchema,
    workspaces: z.array(z.unknown()).optional(),
  }),
  "invitation.resent": z.object({ invitation: invitationSchema }),
  "invitation.revoked": z.object({ invitation: invitationSchema }),
  "invitation.declined": z.object({ invitation: invitationSchema }),
  /** Followed, in the same transaction, by `membership.joined` for the person who accepted. */
  "invitation.accepted": z.object({ invitation: invitationSchema, userId: z.uuid() }),
  /** Published by the server when a pending invitation's time runs out. */
  "invitation.expired": z.object({ invitation: invitationSchema }),

  "workspace.created": z.object({ workspace: workspaceSchema }),
  "workspace.updated": z.object({ workspace: workspaceSchema, changed }),
  "workspace.moved": z.object({
    workspace: workspaceSchema,
    changed,
    fromParentId: z.uuid().nullable(),
  }),
  "workspace.deleted": z.object({ workspace: workspaceSchema }),

  "workspace_grant.created": z.object({
    workspaceId: z.uuid(),
    principal: principalSchema,
    role: z.string(),
  }),
  "workspace_grant.revoked": z.object({
    workspaceId: z.uuid(),
    principal: principalSchema,
    role: z.string(),
  }),

  "group.created": z.object({ group: groupSchema }),
  "group.updated": z.object({ group: groupSchema, previousName: z.string().optional() }),
  "group.deleted": z.object({ group: groupSchema }),
  "group_member.added": z.object({ group: groupSchema, member: memberSchema }),
  "group_member.removed": z.object({ group: groupSchema, member: memberSchema }),

  /** A secret setting's value is never sent: `value` is present only for settings that are not secret. */
  "setting.changed": z.object({
    key: z.string(),
    secret: z.boolean(),
    deleted: z.boolean(),
    value: z.unknown().optional(),
  }),

  "role.created": z.object({ role: z.object({ key: z.string(), permissions: z.array(z.string()) }) }),
  "role.updated": z.object({ role: z.object({ key: z.string(), permissions: z.array(z.string()) }) }),
  "role.deleted": z.object({ role: z.object({ key: z.string() }) }),

  "resource.created": z.object({ resource: resourceSchema }),
  "resource.updated": z.object({ resource: resourceSchema, changed }),
  "resource.state_changed": z.object({
    resource: resourceSchema,
    from: z.string(),
    to: z.string(),
    action: z.string(),
  }),
  "resource.transferred": z.object({
    resource: resourceSchema,
    from: z.uuid().nullable(),
    to: z.uuid().nullable(),
    /** Why, when it was not `resources.transfer`: the member's removal or the service account's deletion. */
    reason: z.string().optional(),
  }),
  "resource.deleted": z.object({ resource: resourceSchema }),

  /** Also published as `membership.joined` (with `serviceAccount: true`), in the same transaction. */
  "service_account.created": z.object({ serviceAccount: memberSchema, role: z.string() }),
  "service_account.updated": z.object({ serviceAccount: memberSchema, changed }),
  /** Also published as `membership.removed`, in the same transaction. */
  "service_account.deleted": z.object({ serviceAccount: memberSchema, transferTo: z.uuid().optional() }),
  "api_key.created": z.object({ apiKey: apiKeySchema }),
  "api_key.revoked": z.object({ apiKey: apiKeySchema }),

  /** People with an address on a verified domain may join as the domain's settings say. */
  "domain.verified": z.object({ domain: domainSchema, method: z.string().optional() }),
  /** A re-check failed too often: the domain is pending again. */
  "domain.unverified": z.object({ domain: domainSchema, failures: z.number().int(), reason: z.string() }),
  "domain.removed": z.object({ domain: domainSchema, wasVerified: z.boolean() }),

  /** A SCIM token was created for the organization's identity provider (its secret never travels). */
  "scim_token.created": z.object({ scimToken: scimTokenSchema }),
  "scim_token.revoked": z.object({ scimToken: scimTokenSchema }),
  /** The identity provider changed what it says about a member (names, userName, externalId, address). */
  "scim_user.updated": z.object({ member: memberSchema, changed }),
  /** Members of a provisioned group get this role (null: the mapping was removed). */
  "scim_group.role_mapped": z.object({ group: groupSchema, role: z.string().nullable() }),
  /** The organization's identity provider (OIDC or SAML), its settings or enforcement. */
  "sso_connection.created": z.object({ connection: ssoConnectionSchema }),
  "sso_connection.updated": z.object({ connection: ssoConnectionSchema, changed }),
  "sso_connection.deleted": z.object({ connection: ssoConnectionSchema }),
  /**
   * A member signed in through the identity provider. `provisioned`: this sign-in made their
   * account or membership (just in time); `membership.joined` with `via: "sso"` comes with it.
   */
  "sso.signed_in": z.object({
    member: memberSchema,
    connection: ssoConnectionSchema,
    provisioned: z.object({ account: z.boolean(), membership: z.boolean() }),
  }),
  /**
   * A member linked a Google, GitHub or Microsoft identity to their account (or unlinked one): it
   * signs them in from then on. Published in each organization they are an active member of.
   */
  "social_identity.linked": z.object({ member: memberSchema, identity: socialIdentitySchema }),
  "social_identity.unlinked": z.object({ member: memberSchema, identity: socialIdentitySchema }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, value);
}

/** What every event looks like, on a webhook and in the feed. */
export const eventEnvelope = z.object({
  /** Unique; a receiver drops an event whose id it has seen (delivery is at least once). */
  id: z.uuid(),
  type: z.string(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  organization: z.object({ id: z.uuid() }),
  /** Who made the change; null for changes the server makes itself (an invitation expiring). */
  actor: z.object({ userId: z.uuid() }).nullable(),
  /** The object the event is about. */
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
});

export type RosterEvent = {
  [T in EventType]: Omit<z.infer<typeof eventEnvelope>, "type" | "data"> & { type: T; data: EventData<T> };
}[EventType];

/** Checks an event's `data` against its type's schema (throws a zod error when it does not fit). */
export function parseEventData<T extends EventType>(type: T, data: unknown): EventData<T> {
  return EVENT_SCHEMAS[type].parse(data) as EventData<T>;
}

/** Parses a whole event as received (a webhook body or a feed item); unknown types are refused. */
export function parseEvent(value: unknown): RosterEvent {
  const envelope = eventEnvelope.parse(value);
  if (!isEventType(envelope.type)) throw new Error(`Unknown event type: ${envelope.type}`);
  return { ...envelope, data: parseEventData(envelope.type, envelope.data) } as RosterEvent;
}
