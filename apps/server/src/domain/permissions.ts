/**
 * The permission catalogue. Every organization procedure names one of these; roles are sets of
 * them. Built-in roles are defined here (not in the database) so that every organization gets the
 * same ones and a new release can refine them.
 */
export const PERMISSIONS = {
  "org:update": "Rename the organization and change its settings",
  "org:delete": "Delete the organization",
  "org:transfer": "Transfer ownership of the organization",
  "members:read": "See members and invitations",
  "members:invite": "Invite people, resend, revoke and copy invitation links",
  "members:update_role": "Change members' roles",
  "members:deactivate": "Deactivate and reactivate members",
  "members:remove": "Remove members",
  "roles:manage": "Create, edit and delete custom roles",
  "audit:read": "Read the audit log",
  "workspaces:read": "See workspaces and groups",
  "workspaces:manage": "Create, rename and delete workspaces and groups, and grant access to them",
  "service_accounts:manage": "Create service accounts and their API keys",
  "settings:read": "Read shared settings",
  "settings:write": "Change shared settings and secrets",
  "resources:read": "See shared resources",
  "resources:create": "Register new resources",
  "resources:operate": "Start, stop and terminate resources",
  "resources:manage": "Edit, delete and transfer any resource",
  "usage:read": "Read usage and credit reports",
  "usage:write": "Record usage events",
  "credits:manage": "Grant credits",
  "webhooks:manage": "Configure webhooks and read their delivery log",
  "domains:manage": "Verify the organization's domains and choose how people on them join",
  "events:read": "Read the events feed",
  "scim:manage": "Create and revoke SCIM provisioning tokens and map provisioned groups to roles",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** The catalogue as a list a role editor shows: each permission and what it allows, in people's words. */
export function permissionCatalogue(): { key: Permission; description: string }[] {
  return ALL_PERMISSIONS.map((key) => ({ key, description: PERMISSIONS[key] }));
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

const memberPermissions: Permission[] = [
  "members:read",
  "workspaces:read",
  "settings:read",
  "resources:read",
  "resources:create",
  "resources:operate",
  "usage:read",
  "usage:write",
];

export interface BuiltInRole {
  key: string;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    key: "owner",
    name: "Owner",
    description:
      "Full control, including deactivating members, transferring ownership and deleting the organization.",
    permissions: ALL_PERMISSIONS,
  },
  {
    key: "admin",
    name: "Admin",
    description: "Manages members, roles, workspaces, settings and resources.",
    permissions: ALL_PERMISSIONS.filter(
      (p) => !["org:delete", "org:transfer", "members:deactivate"].includes(p),
    ),
  },
  {
    key: "member",
    name: "Member",
    description: "Uses the organization's shared configuration and resources.",
    permissions: memberPermissions,
  },
  {
    key: "viewer",
    name: "Viewer",
    description: "Sees the organization's members, resources and usage without changing them.",
    permissions: ["members:read", "workspaces:read", "settings:read", "resources:read", "usage:read"],
  },
];

const builtInByKey = new Map(BUILT_IN_ROLES.map((r) => [r.key, r]));

export function builtInRole(key: string): BuiltInRole | undefined {
  return builtInByKey.get(key);
}
