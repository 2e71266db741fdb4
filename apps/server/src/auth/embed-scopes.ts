/**
 * What an embed token may do. A host names scopes when it asks for a token; every procedure a
 * token can reach needs one, decided here and nowhere else (checked once, in `trpc.ts`). A
 * person's own session and a service account's API key are not limited by scopes.
 */
export const EMBED_SCOPES = [
  /** The account itself: name, email, password, its sessions. Never granted unless asked for. */
  "profile",
  /** The caller's organizations, roles and permissions, read only; every other scope but `profile` includes it. */
  "organizations:read",
  /** Create, rename, delete organizations, transfer ownership, leave. */
  "organizations",
  "members",
  "invitations",
  "roles",
  "workspaces",
  "groups",
  "resources",
  "usage",
  "settings",
  "webhooks",
  "service_accounts",
  "audit",
  "domains",
] as const;

export type EmbedScope = (typeof EMBED_SCOPES)[number];

/** A token asked for without scopes gets everything but account-level changes. */
export const DEFAULT_EMBED_SCOPES: readonly EmbedScope[] = EMBED_SCOPES.filter((s) => s !== "profile");

/** The scope every procedure of a router area needs, unless named in PROCEDURE_SCOPES. */
const AREA_SCOPES: Record<string, EmbedScope> = {
  auth: "profile",
  orgs: "organizations",
  invitations: "invitations",
  // Asking to join sits beside invitations, for the person and for the admins who answer.
  joinRequests: "invitations",
  members: "members",
  roles: "roles",
  workspaces: "workspaces",
  groups: "groups",
  resources: "resources",
  usage: "usage",
  settings: "settings",
  webhooks: "webhooks",
  serviceAccounts: "service_accounts",
  audit: "audit",
  domains: "domains",
  scim: "domains",
  sso: "domains",
};

/** Procedures that need something else than their area's scope; `null`: any embed token. */
const PROCEDURE_SCOPES: Record<string, EmbedScope | null> = {
  // Who the token acts as: what every widget asks first.
  "auth.me": null,
  "orgs.get": "organizations:read",
  "orgs.list": "organizations:read",
  "orgs.permissions": "organizations:read",
  "orgs.setActive": "organizations:read",
  "roles.list": "organizations:read",
};

/**
 * The scope an embed token needs to call `path` (`null`: none). A procedure of an area not listed
 * needs a scope no token has (`undefined`), so a new area is closed to embed tokens until it is
 * given one here.
 */
export function requiredScope(path: string): EmbedScope | null | undefined {
  if (path in PROCEDURE_SCOPES) return PROCEDURE_SCOPES[path];
  return AREA_SCOPES[path.split(".")[0] ?? ""];
}

export function scopeGranted(granted: readonly string[], needed: EmbedScope | null): boolean {
  if (needed === null) return true;
  if (granted.includes(needed)) return true;
  return needed === "organizations:read" && granted.some((s) => s !== "profile");
}
