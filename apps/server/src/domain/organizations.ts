import { randomBytes } from "node:crypto";
import type { Database, Organization, User } from "@roster/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Actor, Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, orgNotFound, type SignInMethod } from "./access.js";
import { recordAudit, recordDeploymentAudit } from "./audit.js";
import { publishOrganizationDeleted } from "./events.js";
import { lockAccount } from "./locks.js";
import { ALL_PERMISSIONS, type Permission } from "./permissions.js";
import { conflictOnUnique } from "./unique-conflicts.js";

export interface OrganizationView {
  id: string;
  name: string;
  slug: string;
  personal: boolean;
  metadata: Record<string, unknown>;
  seatLimit: number | null;
  /** Members must sign in with two factors (MFA_REQUIRED otherwise). */
  requireTwoFactor: boolean;
  /** The sign-in policy: session lifetime and idle timeout (minutes), accepted methods (null: no limit). */
  sessionMaxAgeMinutes: number | null;
  idleTimeoutMinutes: number | null;
  allowedSignInMethods: SignInMethod[] | null;
  createdAt: string;
}

export function toOrganizationView(
  org: Organization,
  defaultSeatLimit: number | undefined,
): OrganizationView {
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    personal: org.personal,
    metadata: org.metadata,
    seatLimit: org.seat_limit ?? defaultSeatLimit ?? null,
    requireTwoFactor: org.require_two_factor,
    sessionMaxAgeMinutes: org.session_max_age_minutes,
    idleTimeoutMinutes: org.session_idle_minutes,
    allowedSignInMethods: org.allowed_sign_in_methods as SignInMethod[] | null,
    createdAt: org.created_at.toISOString(),
  };
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug.length >= 2 ? slug : `org-${slug}`.replace(/-$/, "");
}

async function slugTaken(db: Kysely<Database>, slug: string): Promise<boolean> {
  const row = await db
    .selectFrom("organizations")
    .select("id")
    .where(sql<string>`lower(slug)`, "=", slug.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

async function freeSlug(db: Kysely<Database>, name: string): Promise<string> {
  const base = slugify(name);
  if (!(await slugTaken(db, base))) return base;
  for (;;) {
    const candidate = `${base}-${randomBytes(3).toString("hex")}`;
    if (!(await slugTaken(db, candidate))) return candidate;
  }
}

const slugTakenError = () =>
  conflict("SLUG_TAKEN", "Another organization already uses this URL name. Choose a different one.");

/**
 * The single-organization policy: an account belongs to at most one organization. Locks the
 * account's row first (lockAccount), so that parallel accepts and creations for one account are
 * counted one after another; every path that adds a membership for a person calls this.
 */
export async function assertMayJoinAnotherOrganization(
  deps: Deps,
  trx: Transaction<Database>,
  userId: string,
): Promise<void> {
  await lockAccount(deps, trx, userId);
  if (!deps.config.singleOrganization) return;
  const existing = await trx
    .selectFrom("memberships")
    .select("org_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (existing) {
    throw conflict(
      "SINGLE_ORGANIZATION",
      "Your account already belongs to an organization, and this deployment allows only one. Leave it first, or use another account.",
    );
  }
}

async function insertOrganization(
  deps: Deps,
  trx: Transaction<Database>,
  creator: { id: string },
  input: {
    name: string;
    slug?: string | undefined;
    metadata?: Record<string, unknown> | undefined;
    personal: boolean;
  },
  now: Date,
): Promise<Organization> {
  await assertMayJoinAnotherOrganization(deps, trx, creator.id);
  let slug = input.slug;
  if (slug !== undefined && (await slugTaken(trx, slug))) throw slugTakenError();
  slug ??= await freeSlug(trx, input.name);
  const org = await trx
    .insertInto("organizations")
    .values({
      name: input.name,
      slug,
      personal: input.personal,
      metadata: JSON.stringify(input.metadata ?? {}),
      created_by: creator.id,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("memberships")
    .values({
      org_id: org.id,
      user_id: creator.id,
      role: "owner",
      status: "active",
      metadata: "{}",
      created_at: now,
      updated_at: now,
    })
    .execute();
  await trx.updateTable("users").set({ last_active_org_id: org.id }).where("id", "=", creator.id).execute();
  return org;
}

const rethrowSlug = conflictOnUnique({ organizations_slug_key: slugTakenError });

export async function createOrganization(
  deps: Deps,
  actor: Actor,
  input: { name: string; slug?: string | undefined; metadata?: Record<string, unknown> | undefined },
): Promise<OrganizationView> {
  const now = deps.clock();
  const org = await runTransaction(deps, async (trx) => {
    const org = await insertOrganization(deps, trx, { id: actor.userId }, { ...input, personal: false }, now);
    await recordAudit(
      trx,
      org.id,
      actor,
      { action: "org.created", targetType: "organization", targetId: org.id },
      now,
    );
    return org;
  }).catch(rethrowSlug);
  return toOrganizationView(org, deps.config.defaultSeatLimit);
}

/** Registration gives each new person an organization of their own (PERSONAL_ORGANIZATIONS). */
export async function createPersonalOrganization(
  deps: Deps,
  trx: Transaction<Database>,
  user: User,
  now: Date,
): Promise<void> {
  if (!deps.config.personalOrganizations || deps.config.singleOrganization) return;
  const name = `${user.name}'s organization`;
  const org = await insertOrganization(deps, trx, user, { name, personal: true }, now);
  await recordAudit(
    trx,
    org.id,
    { userId: user.id, sessionId: null, ip: null, userAgent: null },
    { action: "org.created", targetType: "organization", targetId: org.id, data: { personal: true } },
    now,
  );
}

export async function getOrganization(
  deps: Deps,
  access: OrgAccess,
): Promise<OrganizationView & { memberCount: number; role: string }> {
  const row = await deps.db
    .selectFrom("organizations as o")
    .selectAll("o")
    .select((eb) =>
      eb
        .selectFrom("memberships")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("memberships.org_id", "=", "o.id")
        .as("member_count"),
    )
    .where("o.id", "=", access.orgId)
    .executeTakeFirst();
  if (!row) throw orgNotFound();
  return {
    ...toOrganizationView(row, deps.config.defaultSeatLimit),
    memberCount: Number(row.member_count ?? 0),
    role: access.role,
  };
}

export async function updateOrganization(
  deps: Deps,
  access: OrgAccess,
  input: {
    name?: string | undefined;
    slug?: string | undefined;
    metadata?: Record<string, unknown> | undefined;
  },
): Promise<OrganizationView> {
  const now = deps.clock();
  const org = await runTransaction(deps, async (trx) => {
    const org = await trx
      .updateTable("organizations")
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.slug !== undefined ? { slug: input.slug } : {}),
        ...(input.metadata !== undefined ? { metadata: JSON.stringify(input.metadata) } : {}),
        updated_at: now,
      })
      .where("id", "=", access.orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      org.id,
      access.actor,
      {
        action: "org.updated",
        targetType: "organization",
        targetId: org.id,
        data: { changed: Object.keys(input) },
      },
      now,
    );
    return org;
  }).catch(rethrowSlug);
  return toOrganizationView(org, deps.config.defaultSeatLimit);
}

export async function deleteOrganization(deps: Deps, access: OrgAccess): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, (trx) => deleteOrganizationWithin(trx, access.orgId, access.actor, now));
}

/** Deletes an organization inside `trx`: its members, resources and audit log go with it. */
export async function deleteOrganizationWithin(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  const org = await trx
    .selectFrom("organizations")
    .select(["id", "name", "slug", "personal"])
    .where("id", "=", orgId)
    .forUpdate()
    .executeTakeFirst();
  if (!org) throw orgNotFound();
  const members = await trx
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("org_id", "=", org.id)
    .executeTakeFirstOrThrow();
  // Its own audit log goes with it; the deployment's log keeps who deleted it, and when.
  await recordDeploymentAudit(
    trx,
    org.id,
    actor,
    "organization.deleted",
    { name: org.name, slug: org.slug, personal: org.personal, members: Number(members.n) },
    now,
  );
  // Kept in the feed (no foreign key); its endpoints hear of it before they go.
  await publishOrganizationDeleted(trx, org, Number(members.n), actor, now);
  await trx.deleteFrom("organizations").where("id", "=", org.id).execute();
}

export interface MyOrganization extends OrganizationView {
  role: string;
  status: "active" | "deactivated";
  memberCount: number;
  active: boolean;
}

export async function listMyOrganizations(deps: Deps, actor: Actor): Promise<MyOrganization[]> {
  const rows = await deps.db
    .selectFrom("memberships as m")
    .innerJoin("organizations as o", "o.id", "m.org_id")
    .innerJoin("users as u", "u.id", "m.user_id")
    .selectAll("o")
    .select(["m.role", "m.status", "u.last_active_org_id"])
    .select((eb) =>
      eb
        .selectFrom("memberships as c")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("c.org_id", "=", "o.id")
        .as("member_count"),
    )
    .where("m.user_id", "=", actor.userId)
    .orderBy("o.name")
    .orderBy("o.id")
    .execute();
  return rows.map((r) => ({
    ...toOrganizationView(r, deps.config.defaultSeatLimit),
    role: r.role,
    status: r.status,
    memberCount: Number(r.member_count ?? 0),
    active: r.last_active_org_id === r.id,
  }));
}

export async function setActiveOrganization(deps: Deps, access: OrgAccess): Promise<void> {
  await deps.db
    .updateTable("users")
    .set({ last_active_org_id: access.orgId })
    .where("id", "=", access.actor.userId)
    .execute();
}

export function myPermissions(access: OrgAccess): { role: string; permissions: Permission[] } {
  return { role: access.role, permissions: ALL_PERMISSIONS.filter((p) => access.permissions.has(p)) };
}

/** A deployment-level override of the seat limit for one organization (null: deployment default). */
export async function setSeatLimit(deps: Deps, orgId: string, seatLimit: number | null): Promise<void> {
  const result = await deps.db
    .updateTable("organizations")
    .set({ seat_limit: seatLimit, updated_at: deps.clock() })
    .where("id", "=", orgId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw orgNotFound();
}
