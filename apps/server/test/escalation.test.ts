import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, type Permission } from "../src/domain/permissions.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/**
 * Nobody gets more than they hold, by any path: not by joining a group that holds a stronger role,
 * not by granting one on a workspace, and a weaker role never acts on a stronger one (demoting,
 * deactivating or removing it, or taking over a stronger service account through its keys).
 */
let t: TestServer;
let owner: SignedUpPerson;
let orgId: string;
let counter = 0;

const viewerPermissions = [...BUILT_IN_ROLES.find((r) => r.key === "viewer")!.permissions];

async function customRole(permissions: Permission[]): Promise<string> {
  counter += 1;
  const key = `custom-${counter}`;
  await owner.client.roles.create.mutate({
    orgId,
    key,
    name: `Custom ${counter}`,
    permissions: [...new Set([...viewerPermissions, ...permissions])],
  });
  return key;
}

async function person(role: string): Promise<SignedUpPerson> {
  counter += 1;
  const p = await verifiedPerson(t, `Person ${counter}`);
  await addMember(t, owner, orgId, p, role);
  return p;
}

const db = () => t.database.db;
const membership = (userId: string) =>
  db()
    .selectFrom("memberships")
    .select(["role", "status"])
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
const groupMembers = async (groupId: string) =>
  (await db().selectFrom("group_members").select("user_id").where("group_id", "=", groupId).execute())
    .map((r) => r.user_id)
    .sort();
const grants = (workspaceId: string) =>
  db()
    .selectFrom("workspace_grants")
    .select(["user_id", "group_id", "invitation_id", "role"])
    .where("workspace_id", "=", workspaceId)
    .orderBy("id")
    .execute();

beforeAll(async () => {
  t = await startTestServer();
  owner = await verifiedPerson(t, "Olive Owner");
  orgId = await personalOrg(owner);
});
afterAll(() => t?.close());

describe("groups and workspace grants", () => {
  let manager: SignedUpPerson;
  let colleague: SignedUpPerson;
  let workspaceId: string;
  let adminGroup: string;
  let viewerGroup: string;

  beforeAll(async () => {
    // Manages workspaces and groups, but holds no admin permissions.
    manager = await person(await customRole(["workspaces:manage"]));
    colleague = await person("viewer");
    workspaceId = (await owner.client.workspaces.create.mutate({ orgId, name: "Production" })).id;
    adminGroup = (await owner.client.groups.create.mutate({ orgId, name: "Prod admins" })).id;
    viewerGroup = (await owner.client.groups.create.mutate({ orgId, name: "Prod viewers" })).id;
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId,
      principal: { groupId: adminGroup },
      role: "admin",
    });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId,
      principal: { groupId: viewerGroup },
      role: "viewer",
    });
  });

  it("refuses adding oneself or anyone to a group that holds a role one lacks", async () => {
    const before = await manager.client.workspaces.permissions.query({ orgId, workspaceId });
    for (const userIds of [[manager.user.id], [colleague.user.id], [colleague.user.id, manager.user.id]]) {
      const refused = await failure(
        manager.client.groups.addMembers.mutate({ orgId, groupId: adminGroup, userIds }),
      );
      expect(refused).toMatchObject({ code: "FORBIDDEN", reason: "ROLE_NOT_ALLOWED" });
      expect(refused.message).toContain('the Admin role on the workspace "Production"');
    }
    expect(await groupMembers(adminGroup)).toEqual([]);
    // So the manager still cannot act as an admin there.
    expect(await manager.client.workspaces.permissions.query({ orgId, workspaceId })).toEqual(before);
    expect(
      await failure(
        manager.client.resources.register.mutate({ orgId, workspaceId, type: "cluster", name: "mine" }),
      ),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    expect(
      await db()
        .selectFrom("audit_events")
        .select("id")
        .where("org_id", "=", orgId)
        .where("action", "=", "group.member_added")
        .execute(),
    ).toEqual([]);
  });

  it("allows adding to a group whose roles one holds, in the organization or in the workspace", async () => {
    expect(
      await manager.client.groups.addMembers.mutate({
        orgId,
        groupId: viewerGroup,
        userIds: [colleague.user.id],
      }),
    ).toEqual({ added: [colleague.user.id] });
    // An admin of the workspace (by a grant there) may add people to its admin group.
    const delegate = await person(await customRole(["workspaces:manage"]));
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId,
      principal: { userId: delegate.user.id },
      role: "admin",
    });
    expect(
      await delegate.client.groups.addMembers.mutate({
        orgId,
        groupId: adminGroup,
        userIds: [colleague.user.id],
      }),
    ).toEqual({ added: [colleague.user.id] });
    await owner.client.groups.removeMember.mutate({ orgId, groupId: adminGroup, userId: colleague.user.id });
  });

  it("refuses granting a role one lacks on a workspace, to a member, a group or an invitation", async () => {
    const { results } = await owner.client.invitations.create.mutate({
      orgId,
      emails: [`invitee.${++counter}@example.com`],
      role: "viewer",
    });
    const before = await grants(workspaceId);
    for (const principal of [
      { userId: manager.user.id },
      { userId: colleague.user.id },
      { groupId: viewerGroup },
      { invitationId: results[0]!.invitationId! },
    ]) {
      expect(
        await failure(
          manager.client.workspaces.grant.mutate({ orgId, workspaceId, principal, role: "admin" }),
        ),
        JSON.stringify(principal),
      ).toMatchObject({ code: "FORBIDDEN", reason: "ROLE_NOT_ALLOWED" });
    }
    expect(await grants(workspaceId)).toEqual(before);
  });
});

describe("acting on stronger roles", () => {
  it("refuses changing the role of, deactivating or removing a member whose role is stronger", async () => {
    const weak = await person(
      await customRole(["members:update_role", "members:deactivate", "members:remove"]),
    );
    const admin = await person("admin");
    const calls = [
      () => weak.client.members.updateRole.mutate({ orgId, userId: admin.user.id, role: "viewer" }),
      () => weak.client.members.deactivate.mutate({ orgId, userId: admin.user.id }),
      () => weak.client.members.remove.mutate({ orgId, userIds: [admin.user.id] }),
    ];
    for (const call of calls) {
      const refused = await failure(call());
      expect(refused).toMatchObject({ code: "FORBIDDEN", reason: "MEMBER_OUTRANKS_YOU" });
      expect(refused.message).toContain("Admin");
    }
    expect(await membership(admin.user.id)).toEqual({ role: "admin", status: "active" });

    // A deactivated stronger member cannot be reactivated by the weaker one either.
    await owner.client.members.deactivate.mutate({ orgId, userId: admin.user.id });
    expect(
      await failure(weak.client.members.reactivate.mutate({ orgId, userId: admin.user.id })),
    ).toMatchObject({ reason: "MEMBER_OUTRANKS_YOU" });
    expect(await membership(admin.user.id)).toEqual({ role: "admin", status: "deactivated" });

    // Weaker or equal roles are fine.
    const viewer = await person("viewer");
    await weak.client.members.deactivate.mutate({ orgId, userId: viewer.user.id });
    await weak.client.members.reactivate.mutate({ orgId, userId: viewer.user.id });
    await weak.client.members.remove.mutate({ orgId, userIds: [viewer.user.id] });
    expect(await membership(viewer.user.id)).toBeUndefined();
  });

  it("refuses a bulk removal that includes a stronger member, all or nothing", async () => {
    const weak = await person(await customRole(["members:remove"]));
    const viewer = await person("viewer");
    const member = await person("member");
    expect(
      await failure(weak.client.members.remove.mutate({ orgId, userIds: [viewer.user.id, member.user.id] })),
    ).toMatchObject({ reason: "MEMBER_OUTRANKS_YOU" });
    expect(await membership(viewer.user.id)).toEqual({ role: "viewer", status: "active" });
  });

  it("keeps admins off a custom role with a permission they lack, and off owners", async () => {
    const admin = await person("admin");
    // members:deactivate is not an admin permission.
    const strong = await person(await customRole(["members:deactivate"]));
    expect(
      await failure(
        admin.client.members.updateRole.mutate({ orgId, userId: strong.user.id, role: "viewer" }),
      ),
    ).toMatchObject({ reason: "MEMBER_OUTRANKS_YOU" });
    expect(
      await failure(admin.client.members.updateRole.mutate({ orgId, userId: owner.user.id, role: "viewer" })),
    ).toMatchObject({ reason: "OWNER_REQUIRED" });
    // Admins still manage admins, and owners manage anyone.
    const other = await person("admin");
    await admin.client.members.updateRole.mutate({ orgId, userId: other.user.id, role: "member" });
    expect(await membership(other.user.id)).toEqual({ role: "member", status: "active" });
    await owner.client.members.updateRole.mutate({ orgId, userId: strong.user.id, role: "viewer" });
    expect(await membership(strong.user.id)).toEqual({ role: "viewer", status: "active" });
  });

  it("refuses managing a service account whose role is stronger, and its keys", async () => {
    const keeper = await person(await customRole(["service_accounts:manage"]));
    const bot = await owner.client.serviceAccounts.create.mutate({
      orgId,
      name: "Deploy bot",
      role: "admin",
    });
    const { apiKey } = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "ci",
    });
    const calls = [
      () => keeper.client.serviceAccounts.createKey.mutate({ orgId, userId: bot.userId, name: "mine" }),
      () => keeper.client.serviceAccounts.revokeKey.mutate({ orgId, keyId: apiKey.id }),
      () => keeper.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, role: "viewer" }),
      () => keeper.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, name: "Renamed" }),
      () => keeper.client.serviceAccounts.delete.mutate({ orgId, userId: bot.userId }),
    ];
    for (const call of calls) {
      expect(await failure(call())).toMatchObject({ code: "FORBIDDEN", reason: "MEMBER_OUTRANKS_YOU" });
    }
    const keys = await owner.client.serviceAccounts.keys.query({ orgId, userId: bot.userId });
    expect(keys.map((k) => [k.id, k.revokedAt])).toEqual([[apiKey.id, null]]);
    expect(await membership(bot.userId)).toEqual({ role: "admin", status: "active" });

    // A service account no stronger than the keeper is the keeper's to manage.
    const small = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Reader", role: "viewer" });
    const made = await keeper.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: small.userId,
      name: "k",
    });
    await keeper.client.serviceAccounts.revokeKey.mutate({ orgId, keyId: made.apiKey.id });
    await keeper.client.serviceAccounts.delete.mutate({ orgId, userId: small.userId });
    expect(await membership(small.userId)).toBeUndefined();
  });
});
