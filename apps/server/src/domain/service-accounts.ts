import { randomUUID } from "node:crypto";
import type { Database, MembershipStatus } from "@roster/db";
import type { Transaction } from "kysely";
import { generateApiKey, maskApiKey } from "../auth/api-keys.js";
import { hashSecret } from "../auth/tokens.js";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { changeRole } from "./members.js";
import { lockActiveOwners } from "./owners.js";
import { handOverResources } from "./resource-handover.js";
import { assertMayActOn, resolveGrantableRole } from "./roles.js";
import { reserveSeats } from "./seats.js";

/**
 * Service accounts are organization members that are not people: a user of kind
 * `service_account` with one membership and a role, created here (taking a seat), that signs in
 * only with API keys. Keys are shown once, stored as a SHA-256 of their secret, and revoked at once.
 */
export interface ServiceAccountView {
  userId: string;
  name: string;
  description: string;
  role: string;
  status: "active" | "deactivated";
  createdAt: string;
  keys: number;
}

export interface ApiKeyView {
  id: string;
  name: string;
  /** The key with its secret hidden: `rk_<id>_••••…<last 4>`. */
  masked: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const accountNotFound = () =>
  notFound("SERVICE_ACCOUNT_NOT_FOUND", "This service account does not exist in this organization.");

const ownerRefused = () =>
  badRequest(
    "OWNER_NOT_ALLOWED",
    "A service account cannot be an owner: ownership belongs to people. Give it the admin role or a custom role.",
  );

export async function listServiceAccounts(deps: Deps, access: OrgAccess): Promise<ServiceAccountView[]> {
  const rows = await deps.db
    .selectFrom("service_accounts as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .innerJoin("memberships as m", (j) =>
      j.onRef("m.org_id", "=", "s.org_id").onRef("m.user_id", "=", "s.user_id"),
    )
    .select(["s.user_id", "u.name", "s.description", "m.role", "m.status", "s.created_at"])
    .select((eb) =>
      eb
        .selectFrom("api_keys as k")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("k.user_id", "=", "s.user_id")
        .where("k.revoked_at", "is", null)
        .as("keys"),
    )
    .where("s.org_id", "=", access.orgId)
    .orderBy("s.created_at")
    .orderBy("s.user_id")
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    description: r.description,
    role: r.role,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    keys: Number(r.keys ?? 0),
  }));
}

/** Creates a service account with a role; it takes a seat like any member. */
export async function createServiceAccount(
  deps: Deps,
  access: OrgAccess,
  input: { name: string; role: string; description?: string | undefined },
): Promise<ServiceAccountView> {
  if (input.role === "owner") throw ownerRefused();
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const role = await resolveGrantableRole(trx, access, input.role);
    await reserveSeats(deps, trx, access.orgId, 1, now);
    // Never a real address: `.invalid` cannot be delivered to (RFC 2606), and nobody can sign up with it.
    const user = await trx
      .insertInto("users")
      .values({
        kind: "service_account",
        email: `sa-${randomUUID()}@service-accounts.invalid`,
        name: input.name,
        password_hash: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({
        org_id: access.orgId,
        user_id: user.id,
        role: role.key,
        status: "active",
        metadata: "{}",
        invited_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto("service_accounts")
      .values({
        user_id: user.id,
        org_id: access.orgId,
        description: input.description ?? "",
        created_by: access.actor.userId,
        created_at: now,
      })
      .execute();
    await recordChange(trx, access, now, "service_account.created", ["user", user.id], {
      name: user.name,
      role: role.key,
    });
    return {
      userId: user.id,
      name: user.name,
      description: input.description ?? "",
      role: role.key,
      status: "active" as const,
      createdAt: now.toISOString(),
      keys: 0,
    };
  });
}

async function lockServiceAccount(
  trx: Transaction<Database>,
  orgId: string,
  userId: string,
): Promise<{ user_id: string; name: string; role: string; status: MembershipStatus }> {
  const row = await trx
    .selectFrom("service_accounts as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .innerJoin("memberships as m", (j) =>
      j.onRef("m.org_id", "=", "s.org_id").onRef("m.user_id", "=", "s.user_id"),
    )
    .select(["s.user_id", "u.name", "m.role", "m.status"])
    .where("s.org_id", "=", orgId)
    .where("s.user_id", "=", userId)
    .forUpdate("s")
    .executeTakeFirst();
  if (!row) throw accountNotFound();
  return row;
}

/** Locks a service account the caller may act on: its role is not stronger than theirs. */
async function lockManageableAccount(
  trx: Transaction<Database>,
  access: OrgAccess,
  userId: string,
): Promise<{ user_id: string; name: string; role: string; status: MembershipStatus }> {
  const account = await lockServiceAccount(trx, access.orgId, userId);
  await assertMayActOn(trx, access, account.role);
  return account;
}

export async function updateServiceAccount(
  deps: Deps,
  access: OrgAccess,
  input: {
    userId: string;
    name?: string | undefined;
    description?: string | undefined;
    role?: string | undefined;
  },
): Promise<void> {
  if (input.role === "owner") throw ownerRefused();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    // Active owners come before the membership in the lock order; only a role change needs them.
    const owners =
      input.role !== undefined ? await lockActiveOwners(deps, trx, access.orgId) : new Set<string>();
    const account = await lockManageableAccount(trx, access, input.userId);
    if (input.name !== undefined) {
      await trx
        .updateTable("users")
        .set({ name: input.name, updated_at: now })
        .where("id", "=", account.user_id)
        .execute();
    }
    if (input.description !== undefined) {
      await trx
        .updateTable("service_accounts")
        .set({ description: input.description })
        .where("user_id", "=", account.user_id)
        .execute();
    }
    // A role change is the same rule and the same `member.role_changed` event as for a person.
    if (input.role !== undefined) await changeRole(trx, access, owners, account, input.role, now);
    await recordChange(trx, access, now, "service_account.updated", ["user", account.user_id], {
      changed: Object.keys(input).filter((k) => k !== "userId" && k !== "orgId"),
    });
  });
}

/**
 * Deletes a service account: its membership, keys, grants and group memberships go with it (its
 * seat is freed; it can never sign in again). Resources it owns need a `transferTo` member, as when removing a person.
 */
export async function deleteServiceAccount(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string; transferTo?: string | undefined },
): Promise<{ transferred: number }> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const account = await lockManageableAccount(trx, access, input.userId);
    const transferred = await handOverResources(
      trx,
      access,
      [account.user_id],
      input.transferTo,
      {
        action: "service_account.deleted",
        transferRequired:
          "This service account owns resources. Choose a member to take them over, then delete again.",
      },
      now,
    );
    // The membership goes, and with it (by cascade) the service account row, its keys, workspace
    // grants and group memberships. The user row stays, so usage and audit keep naming it.
    await trx
      .deleteFrom("memberships")
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", account.user_id)
      .execute();
    await recordChange(trx, access, now, "service_account.deleted", ["user", account.user_id], {
      name: account.name,
      role: account.role,
      ...(input.transferTo ? { transferTo: input.transferTo } : {}),
    });
    return { transferred };
  });
}

// ---- API keys ----

/** Creates a key. The key itself is in this answer only; Roster keeps a hash of its secret. */
export async function createApiKey(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string; name: string },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const now = deps.clock();
  const generated = generateApiKey();
  await runTransaction(deps, async (trx) => {
    const account = await lockManageableAccount(trx, access, input.userId);
    await trx
      .insertInto("api_keys")
      .values({
        id: generated.id,
        org_id: access.orgId,
        user_id: account.user_id,
        name: input.name,
        secret_hash: hashSecret(generated.secret),
        secret_last4: generated.secret.slice(-4),
        created_by: access.actor.userId,
        created_at: now,
      })
      .execute();
    await recordChange(trx, access, now, "api_key.created", ["user", account.user_id], {
      keyId: generated.id,
      name: input.name,
    });
  });
  return {
    key: generated.key,
    apiKey: {
      id: generated.id,
      name: input.name,
      masked: maskApiKey(generated.id, generated.secret.slice(-4)),
      createdAt: now.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

export async function listApiKeys(
  deps: Deps,
  access: OrgAccess,
  input: { userId: string },
): Promise<ApiKeyView[]> {
  const account = await deps.db
    .selectFrom("service_accounts")
    .select("user_id")
    .where("org_id", "=", access.orgId)
    .where("user_id", "=", input.userId)
    .executeTakeFirst();
  if (!account) throw accountNotFound();
  const rows = await deps.db
    .selectFrom("api_keys")
    .select(["id", "name", "secret_last4", "created_at", "last_used_at", "revoked_at"])
    .where("org_id", "=", access.orgId)
    .where("user_id", "=", account.user_id)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    masked: maskApiKey(r.id, r.secret_last4),
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes a key: the next request made with it is refused. */
export async function revokeApiKey(deps: Deps, access: OrgAccess, input: { keyId: string }): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const keyNotFound = () =>
      notFound("API_KEY_NOT_FOUND", "This API key does not exist in this organization.");
    const owner = await trx
      .selectFrom("api_keys")
      .select("user_id")
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.keyId)
      .executeTakeFirst();
    if (!owner) throw keyNotFound();
    // The account first, then the key: the order deleting the account takes them in.
    await lockManageableAccount(trx, access, owner.user_id);
    const key = await trx
      .selectFrom("api_keys")
      .select(["id", "user_id", "revoked_at", "name"])
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.keyId)
      .forUpdate()
      .executeTakeFirst();
    if (!key) throw keyNotFound();
    if (key.revoked_at) return;
    await trx.updateTable("api_keys").set({ revoked_at: now }).where("id", "=", key.id).execute();
    await recordChange(trx, access, now, "api_key.revoked", ["user", key.user_id], {
      keyId: key.id,
      name: key.name,
    });
  });
}
