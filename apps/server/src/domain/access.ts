import { sql } from "kysely";
import type { Actor, Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { builtInRole, isPermission, type Permission } from "./permissions.js";

/** What the caller may do in one organization, loaded once per request. */
export interface OrgAccess {
  orgId: string;
  actor: Actor;
  role: string;
  permissions: ReadonlySet<Permission>;
}

/**
 * Whether the caller proved two factors, for an organization that requires them. Service accounts,
 * embed tokens (their host signed its user in) and what a member needs to leave are `exempt`.
 */
export type TwoFactorProof = "proven" | "missing" | "exempt";

export const mfaRequired = () =>
  forbidden(
    "MFA_REQUIRED",
    "This organization requires two-factor sign-in. Set up an authenticator app or a passkey, or sign in again with one.",
  );

export const orgNotFound = () =>
  notFound("ORG_NOT_FOUND", "This organization does not exist, or you are not a member of it.");

/** A caller's membership row in one organization, with its custom role's permissions. */
export interface MembershipAccessRow {
  role: string;
  status: string;
  custom_permissions: string[] | null;
  /** The organization's policy: members must use two-factor sign-in. */
  require_two_factor: boolean;
}

/**
 * The caller's membership and effective permissions in one query (or read with the session, in
 * the same statement: `validateSessionToken`'s `orgId`, then `orgAccessFrom`).
 */
export async function loadOrgAccess(
  deps: Deps,
  actor: Actor,
  orgId: string,
  twoFactor: TwoFactorProof = "missing",
): Promise<OrgAccess> {
  const row = await deps.db
    .selectFrom("memberships as m")
    .innerJoin("organizations as o", "o.id", "m.org_id")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "m.org_id").onRef("r.key", "=", "m.role"))
    .select([
      "m.role",
      "m.status",
      "o.require_two_factor",
      sql<string[] | null>`r.permissions`.as("custom_permissions"),
    ])
    .where("m.org_id", "=", orgId)
    .where("m.user_id", "=", actor.userId)
    .executeTakeFirst();
  return orgAccessFrom(actor, orgId, row ?? null, twoFactor);
}

/**
 * What a membership row allows. A caller who is not a member learns nothing (NOT_FOUND, the same
 * as for an organization that does not exist); a deactivated member is refused at once, whatever
 * their role, and so is one without two factors where the organization requires them
 * (MFA_REQUIRED: what they need is to enroll, an account matter).
 */
export function orgAccessFrom(
  actor: Actor,
  orgId: string,
  row: MembershipAccessRow | null,
  twoFactor: TwoFactorProof = "missing",
): OrgAccess {
  if (!row) throw orgNotFound();
  if (row.status !== "active") {
    throw forbidden(
      "MEMBERSHIP_DEACTIVATED",
      "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
    );
  }
  if (row.require_two_factor && twoFactor === "missing") throw mfaRequired();
  const granted = builtInRole(row.role)?.permissions ?? (row.custom_permissions ?? []).filter(isPermission);
  return { orgId, actor, role: row.role, permissions: new Set(granted) };
}

export function requirePermission(access: OrgAccess, permission: Permission): void {
  if (!access.permissions.has(permission)) {
    throw forbidden(
      "PERMISSION_DENIED",
      `Your role does not allow this (it needs the "${permission}" permission).`,
      {
        permission,
      },
    );
  }
}
