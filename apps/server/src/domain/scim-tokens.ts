import { randomUUID } from "node:crypto";
import { generateScimToken, maskScimToken } from "../auth/scim-tokens.js";
import { hashSecret } from "../auth/tokens.js";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { groupNotFound } from "./groups.js";
import { lockOrganization } from "./locks.js";
import { findInOrg } from "./org-rows.js";
import { lockActiveOwners } from "./owners.js";
import { resolveGrantableRole } from "./roles.js";
import { defaultProvisionedRole, syncProvisionedRoles } from "./scim-roles.js";

/**
 * The admin's side of SCIM: bearer tokens (shown once, stored as a SHA-256 of the secret,
 * revocable), the role provisioned members get, and group → role mappings. Each token acts in the
 * audit log as an account of its own, never a member and never able to sign in.
 */
export interface ScimTokenView {
  id: string;
  name: string;
  masked: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ScimConnectionView {
  /** The SCIM base URL to give the identity provider. */
  baseUrl: string;
  defaultRole: string;
  tokens: ScimTokenView[];
  groups: { groupId: string; name: string; role: string | null; provisioned: boolean }[];
}

const ownerRefused = () =>
  badRequest("OWNER_NOT_PROVISIONABLE", "Provisioning never makes owners. Choose another role.");

export async function getScimConnection(deps: Deps, access: OrgAccess): Promise<ScimConnectionView> {
  const tokens = await deps.db
    .selectFrom("scim_tokens")
    .select(["id", "name", "secret_last4", "created_at", "last_used_at", "revoked_at"])
    .where("org_id", "=", access.orgId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  const groups = await deps.db
    .selectFrom("groups as g")
    .leftJoin("scim_groups as sg", "sg.group_id", "g.id")
    .select(["g.id", "g.name", "sg.role", "sg.group_id as provisioned"])
    .where("g.org_id", "=", access.orgId)
    .orderBy("g.name")
    .execute();
  const defaultRole = await deps.db.transaction().execute((trx) => defaultProvisionedRole(trx, access.orgId));
  return {
    baseUrl: `${deps.config.publicUrl}/scim/v2`,
    defaultRole,
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      masked: maskScimToken(t.id, t.secret_last4),
      createdAt: t.created_at.toISOString(),
      lastUsedAt: t.last_used_at?.toISOString() ?? null,
      revokedAt: t.revoked_at?.toISOString() ?? null,
    })),
    groups: groups.map((g) => ({
      groupId: g.id,
      name: g.name,
      role: g.role ?? null,
      provisioned: g.provisioned !== null,
    })),
  };
}

/** A new token; its secret is in `token`, shown this once. */
export async function createScimToken(
  deps: Deps,
  access: OrgAccess,
  input: { name: string },
): Promise<{ token: string; scimToken: ScimTokenView }> {
  const now = deps.clock();
  const generated = generateScimToken();
  await runTransaction(deps, async (trx) => {
    await lockOrganization(deps, trx, access.orgId);
    // Never a real address (`.invalid`, RFC 2606) and no password: this account only names the token.
    const actor = await trx
      .insertInto("users")
      .values({
        kind: "service_account",
        email: `scim-${randomUUID()}@scim-tokens.invalid`,
        name: `SCIM: ${input.name}`,
        password_hash: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("scim_tokens")
      .values({
        id: generated.id,
        org_id: access.orgId,
        actor_id: actor.id,
        name: input.name,
        secret_hash: hashSecret(generated.secret),
        secret_last4: generated.secret.slice(-4),
        created_by: access.actor.userId,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto("scim_connections")
      .values({ org_id: access.orgId, updated_by: access.actor.userId, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column("org_id").doNothing())
      .execute();
    await recordChange(trx, access, now, "scim_token.created", ["scim_token", generated.id], {
      name: input.name,
    });
  });
  return {
    token: generated.token,
    scimToken: {
      id: generated.id,
      name: input.name,
      masked: maskScimToken(generated.id, generated.secret.slice(-4)),
      createdAt: now.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

export async function revokeScimToken(
  deps: Deps,
  access: OrgAccess,
  input: { tokenId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const token = await findInOrg(
      trx,
      "scim_tokens",
      access.orgId,
      input.tokenId,
      () => notFound("SCIM_TOKEN_NOT_FOUND", "This SCIM token does not exist in this organization."),
      { forUpdate: true },
    );
    if (token.revoked_at) return;
    await trx.updateTable("scim_tokens").set({ revoked_at: now }).where("id", "=", token.id).execute();
    await recordChange(trx, access, now, "scim_token.revoked", ["scim_token", token.id], {
      name: token.name,
    });
  });
}

/** The role newly provisioned members get (never owner; no more than the admin holds). */
export async function setScimDefaultRole(
  deps: Deps,
  access: OrgAccess,
  input: { role: string },
): Promise<void> {
  if (input.role === "owner") throw ownerRefused();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const role = await resolveGrantableRole(trx, access, input.role);
    await trx
      .insertInto("scim_connections")
      .values({
        org_id: access.orgId,
        default_role: role.key,
        updated_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column("org_id")
          .doUpdateSet({ default_role: role.key, updated_by: access.actor.userId, updated_at: now }),
      )
      .execute();
    await recordChange(trx, access, now, "scim.default_role_changed", null, { role: role.key });
  });
}

/** Members of the group get `role` (null: no mapping); their roles follow at once. */
export async function mapScimGroupRole(
  deps: Deps,
  access: OrgAccess,
  input: { groupId: string; role: string | null },
): Promise<void> {
  if (input.role === "owner") throw ownerRefused();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const group = await findInOrg(trx, "groups", access.orgId, input.groupId, groupNotFound, {
      forUpdate: true,
    });
    const role = input.role === null ? null : (await resolveGrantableRole(trx, access, input.role)).key;
    await trx
      .insertInto("scim_groups")
      .values({
        group_id: group.id,
        org_id: access.orgId,
        external_id: null,
        role,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column("group_id").doUpdateSet({ role, updated_at: now }))
      .execute();
    await recordChange(trx, access, now, "scim.group_role_mapped", ["group", group.id], { role });
    const members = await trx
      .selectFrom("group_members")
      .select("user_id")
      .where("group_id", "=", group.id)
      .execute();
    await syncProvisionedRoles(
      trx,
      access,
      owners,
      members.map((m) => m.user_id),
      now,
    );
  });
}
