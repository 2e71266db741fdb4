import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { addActiveMember } from "./joining.js";
import { lockAccount } from "./locks.js";
import { removeMembers } from "./members.js";
import { assertOwnersRemain, lockActiveOwners } from "./owners.js";
import { defaultProvisionedRole } from "./scim-roles.js";
import { getScimUser, type ScimUserRecord, scimUserNotFound } from "./scim-user-list.js";
import { reserveSeats } from "./seats.js";
import { conflictOnUnique } from "./unique-conflicts.js";

/**
 * Provisioning people (SCIM Users). POST makes the account when no account has the address (no
 * password: the person signs in through the organization's identity provider, or sets a password
 * with "Forgot password"), or joins the existing account, as an active member with the
 * connection's default role, taking a seat. `active: false` deactivates (the seat is kept, every
 * session loses the organization on its next request), `active: true` reactivates, DELETE removes
 * (resources go to the longest-standing owner). The last active owner is never deactivated or
 * removed. Every change is audited with the SCIM token as the actor, and so published.
 */
export interface ScimUserInput {
  userName: string;
  externalId: string | null;
  email: string;
  /** The account's name (displayName, or the name parts). */
  name: string;
  active: boolean;
  profile: Record<string, unknown>;
}

const exists = (what: string) =>
  conflict("SCIM_RESOURCE_EXISTS", `A user with this ${what} is already provisioned in this organization.`);

const uniqueConflicts = conflictOnUnique({
  scim_users_user_name_key: () => exists("userName"),
  scim_users_external_id_key: () => exists("externalId"),
  users_email_lower_key: () => exists("email address"),
  memberships_pkey: () => exists("email address"),
});

async function assertFree(
  trx: Transaction<Database>,
  orgId: string,
  input: ScimUserInput,
  except: string | null,
): Promise<void> {
  const taken = await trx
    .selectFrom("scim_users")
    .select(["user_id", "user_name", "external_id"])
    .where("org_id", "=", orgId)
    .where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["user_name"]), "=", input.userName.toLowerCase()),
        ...(input.externalId !== null ? [eb("external_id", "=", input.externalId)] : []),
      ]),
    )
    .execute();
  const other = taken.find((t) => t.user_id !== except);
  if (other)
    throw exists(other.user_name.toLowerCase() === input.userName.toLowerCase() ? "userName" : "externalId");
}

/** Whether the address is on one of the organization's verified domains (the organization vouches for it). */
async function onVerifiedDomain(trx: Transaction<Database>, orgId: string, email: string): Promise<boolean> {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const row = await trx
    .selectFrom("org_domains")
    .select("id")
    .where("org_id", "=", orgId)
    .where("domain", "=", domain)
    .where("status", "=", "verified")
    .executeTakeFirst();
  return row !== undefined;
}

export async function createScimUser(
  deps: Deps,
  access: OrgAccess,
  input: ScimUserInput,
): Promise<ScimUserRecord> {
  const now = deps.clock();
  const userId = await runTransaction(deps, async (trx) => {
    await assertFree(trx, access.orgId, input, null);
    const existing = await trx
      .selectFrom("users")
      .select(["id", "kind"])
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", input.email.toLowerCase()))
      .executeTakeFirst();
    if (existing && existing.kind !== "person") throw exists("email address");
    const verified = await onVerifiedDomain(trx, access.orgId, input.email);
    const account =
      existing ??
      (await trx
        .insertInto("users")
        .values({
          email: input.email,
          name: input.name,
          password_hash: null,
          email_verified_at: verified ? now : null,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow());
    await lockAccount(deps, trx, account.id);
    await reserveSeats(deps, trx, access.orgId, 1, now);
    const role = await defaultProvisionedRole(trx, access.orgId);
    await addActiveMember(
      deps,
      trx,
      { orgId: access.orgId, userId: account.id, role, metadata: {}, invitedBy: null },
      now,
      "This person is already a member of the organization. Find them with a userName filter and update them instead.",
    );
    await trx
      .insertInto("scim_users")
      .values({
        org_id: access.orgId,
        user_id: account.id,
        user_name: input.userName,
        external_id: input.externalId,
        profile: JSON.stringify(input.profile),
        created_account: !existing,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordChange(trx, access, now, "member.provisioned", ["user", account.id], {
      role,
      userName: input.userName,
      ...(input.externalId !== null ? { externalId: input.externalId } : {}),
      createdAccount: !existing,
    });
    if (!input.active) {
      await trx
        .updateTable("memberships")
        .set({ status: "deactivated", deactivated_at: now, updated_at: now })
        .where("org_id", "=", access.orgId)
        .where("user_id", "=", account.id)
        .execute();
      await recordChange(trx, access, now, "member.deactivated", ["user", account.id]);
    }
    return account.id;
  }).catch((error) => {
    if (error instanceof Error && "reason" in error && error.reason === "ALREADY_MEMBER") {
      throw exists("email address");
    }
    return uniqueConflicts(error);
  });
  return getScimUser(deps.db, access.orgId, userId);
}

/**
 * PUT and PATCH: the user becomes what `next` makes of them as they are once their membership is
 * locked, so concurrent PATCHes each build on the last.
 */
export async function replaceScimUser(
  deps: Deps,
  access: OrgAccess,
  userId: string,
  next: (current: ScimUserRecord) => ScimUserInput,
): Promise<ScimUserRecord> {
  await getScimUser(deps.db, access.orgId, userId);
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const owners = await lockActiveOwners(deps, trx, access.orgId);
    const member = await trx
      .selectFrom("memberships")
      .select(["user_id", "role", "status"])
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", userId)
      .forUpdate()
      .executeTakeFirst();
    if (!member) throw scimUserNotFound();
    const current = await getScimUser(trx, access.orgId, userId);
    const input = next(current);
    await assertFree(trx, access.orgId, input, userId);
    const row = await trx
      .selectFrom("scim_users")
      .select(["created_account"])
      .where("org_id", "=", access.orgId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    const changed: string[] = [];
    if (input.userName !== current.userName) changed.push("userName");
    if (input.externalId !== current.externalId) changed.push("externalId");
    if (JSON.stringify(input.profile) !== JSON.stringify(current.profile)) changed.push("profile");
    // Only an account this provisioning made is renamed or readdressed; a person's own account is theirs.
    const ownsAccount = row?.created_account === true;
    if (ownsAccount && input.name !== current.name) changed.push("name");
    if (ownsAccount && input.email.toLowerCase() !== current.email.toLowerCase()) changed.push("email");
    if (changed.includes("name") || changed.includes("email")) {
      await trx
        .updateTable("users")
        .set({
          name: input.name,
          ...(changed.includes("email")
            ? {
                email: input.email,
                email_verified_at: (await onVerifiedDomain(trx, access.orgId, input.email)) ? now : null,
              }
            : {}),
          updated_at: now,
        })
        .where("id", "=", userId)
        .execute();
    }
    if (changed.length > 0) {
      await trx
        .insertInto("scim_users")
        .values({
          org_id: access.orgId,
          user_id: userId,
          user_name: input.userName,
          external_id: input.externalId,
          profile: JSON.stringify(input.profile),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["org_id", "user_id"]).doUpdateSet({
            user_name: input.userName,
            external_id: input.externalId,
            profile: JSON.stringify(input.profile),
            updated_at: now,
          }),
        )
        .execute();
      await recordChange(trx, access, now, "scim.user_updated", ["user", userId], { changed });
    }
    const status = input.active ? "active" : "deactivated";
    if (member.status !== status) {
      if (status === "deactivated" && member.role === "owner") assertOwnersRemain(owners, [userId]);
      await trx
        .updateTable("memberships")
        .set({ status, deactivated_at: status === "deactivated" ? now : null, updated_at: now })
        .where("org_id", "=", access.orgId)
        .where("user_id", "=", userId)
        .execute();
      await recordChange(trx, access, now, input.active ? "member.reactivated" : "member.deactivated", [
        "user",
        userId,
      ]);
    }
  }).catch(uniqueConflicts);
  return getScimUser(deps.db, access.orgId, userId);
}

/** DELETE: the membership goes; what the person owned goes to the longest-standing other owner. */
export async function deleteScimUser(deps: Deps, access: OrgAccess, userId: string): Promise<void> {
  await getScimUser(deps.db, access.orgId, userId);
  const owns = await deps.db
    .selectFrom("resources")
    .select("id")
    .where("org_id", "=", access.orgId)
    .where("owner_id", "=", userId)
    .limit(1)
    .executeTakeFirst();
  const heir = owns
    ? await deps.db
        .selectFrom("memberships")
        .select("user_id")
        .where("org_id", "=", access.orgId)
        .where("role", "=", "owner")
        .where("status", "=", "active")
        .where("user_id", "!=", userId)
        .orderBy("created_at")
        .orderBy("user_id")
        .executeTakeFirst()
    : undefined;
  await removeMembers(deps, access, { userIds: [userId], transferTo: heir?.user_id });
}
