import { type RawBuilder, sql } from "kysely";
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

/** The ways of signing in an organization may accept (a session's `auth_method` names its first factor). */
export const SIGN_IN_METHODS = ["password", "passkey", "sso", "google", "github", "microsoft"] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

const METHOD_NAMES: Record<string, string> = {
  password: "a password",
  passkey: "a passkey",
  sso: "single sign-on",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

export const methodList = (methods: readonly string[]) => methods.map((m) => METHOD_NAMES[m] ?? m).join(", ");

/** The first factor a session's `auth_method` records: `password+totp` was signed in with a password. */
export const firstFactor = (authMethod: string) => authMethod.split("+")[0] ?? authMethod;

/**
 * A person's own session, as an organization's sign-in policy sees it: how it was signed in, how
 * long ago, and the longest it has paused. Null for service accounts, embed tokens (their host
 * signs its users in and keeps them short-lived) and leaving an organization.
 */
export interface SessionFacts {
  method: string;
  /** The organization whose identity provider made the session (single sign-on), if one did. */
  ssoOrgId: string | null;
  ageSeconds: number;
  idleSeconds: number;
}

export const signInMethodNotAllowed = (allowed: readonly string[]) =>
  forbidden(
    "SIGN_IN_METHOD_NOT_ALLOWED",
    `This organization accepts only these ways of signing in: ${methodList(allowed)}. Sign in again with one of them.`,
    { allowed: [...allowed] },
  );

export const sessionPolicyExpired = (limit: "lifetime" | "idle", minutes: number) =>
  forbidden("SESSION_POLICY_EXPIRED", "This organization requires you to sign in again.", {
    limit,
    minutes,
  });

/** "Members on this domain must use SSO" (sso-enforcement.ts), for sign-in and for organization calls. */
export const ssoRequired = () =>
  forbidden(
    "SSO_REQUIRED",
    "Your organization signs you in through its identity provider. Use Continue with SSO.",
  );

/**
 * Whether organization `orgId` (a column) enforces its identity provider for the address `email`
 * (a column): the address's domain, after its last @, is verified there. Read in one statement
 * with the membership, so the rule holds from the moment it is switched on.
 */
export function ssoEnforcedFor(orgId: string, email: string): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from sso_connections sc
    join org_domains sd on sd.org_id = sc.org_id
    where sc.org_id = ${sql.ref(orgId)} and sc.enforced
      and sd.status = 'verified' and sd.domain = lower(substring(${sql.ref(email)} from '[^@]*$'))
  )`;
}

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
  /** Its sign-in policy: session lifetime and idle limit (minutes), accepted methods (null: any). */
  session_max_age_minutes: number | null;
  session_idle_minutes: number | null;
  allowed_sign_in_methods: string[] | null;
  /** The organization enforces its identity provider for this member's address (sso-enforcement.ts). */
  sso_enforced: boolean;
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
  session: SessionFacts | null = null,
): Promise<OrgAccess> {
  const row = await deps.db
    .selectFrom("memberships as m")
    .innerJoin("organizations as o", "o.id", "m.org_id")
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "m.org_id").onRef("r.key", "=", "m.role"))
    .select([
      "m.role",
      "m.status",
      "o.require_two_factor",
      "o.session_max_age_minutes",
      "o.session_idle_minutes",
      "o.allowed_sign_in_methods",
      sql<string[] | null>`r.permissions`.as("custom_permissions"),
      ssoEnforcedFor("m.org_id", "u.email").as("sso_enforced"),
    ])
    .where("m.org_id", "=", orgId)
    .where("m.user_id", "=", actor.userId)
    .executeTakeFirst();
  return orgAccessFrom(actor, orgId, row ?? null, twoFactor, session);
}

/**
 * What a membership row allows. A caller who is not a member learns nothing (NOT_FOUND, the same
 * as for an organization that does not exist); a deactivated member is refused at once, whatever
 * their role, and so is one without two factors where the organization requires them
 * (MFA_REQUIRED: what they need is to enroll, an account matter). The organization's sign-in
 * policy comes next: a session signed in a way it does not accept (SIGN_IN_METHOD_NOT_ALLOWED;
 * never its owners, who must always be able to sign in and change the policy, as with SSO
 * enforcement), or older or idle longer than it allows (SESSION_POLICY_EXPIRED), acts there only
 * after signing in again. Only in this organization: the session is not ended. Where the
 * organization enforces its identity provider for the member's domain, a session that provider did
 * not make is refused (SSO_REQUIRED; owners excepted, to repair the connection).
 */
export function orgAccessFrom(
  actor: Actor,
  orgId: string,
  row: MembershipAccessRow | null,
  twoFactor: TwoFactorProof = "missing",
  session: SessionFacts | null = null,
): OrgAccess {
  if (!row) throw orgNotFound();
  if (row.status !== "active") {
    throw forbidden(
      "MEMBERSHIP_DEACTIVATED",
      "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
    );
  }
  if (session) checkSignInPolicy(orgId, row, session);
  if (row.require_two_factor && twoFactor === "missing") throw mfaRequired();
  const granted = builtInRole(row.role)?.permissions ?? (row.custom_permissions ?? []).filter(isPermission);
  return { orgId, actor, role: row.role, permissions: new Set(granted) };
}

function checkSignInPolicy(orgId: string, row: MembershipAccessRow, session: SessionFacts): void {
  if (row.sso_enforced && row.role !== "owner" && session.ssoOrgId !== orgId) throw ssoRequired();
  const allowed = row.allowed_sign_in_methods;
  if (allowed && row.role !== "owner" && !allowed.includes(session.method)) {
    throw signInMethodNotAllowed(allowed);
  }
  const maxAge = row.session_max_age_minutes;
  if (maxAge !== null && session.ageSeconds > maxAge * 60) throw sessionPolicyExpired("lifetime", maxAge);
  const idle = row.session_idle_minutes;
  if (idle !== null && session.idleSeconds > idle * 60) throw sessionPolicyExpired("idle", idle);
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
