import { queryCounter } from "@roster/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, type Permission } from "../src/domain/permissions.js";
import { loadWorkspacePermissions } from "../src/domain/workspace-permissions.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const rolePermissions = (key: string) => [...BUILT_IN_ROLES.find((r) => r.key === key)!.permissions];
const union = (...sets: readonly string[][]) => [...new Set(sets.flat())].sort();

async function org(name: string): Promise<{ owner: SignedUpPerson; orgId: string }> {
  const owner = await verifiedPerson(t, name);
  return { owner, orgId: await personalOrg(owner) };
}

describe("workspaces", () => {
  it("create, nest, rename, move and delete, with their path and audit trail", async () => {
    const { owner, orgId } = await org("Nora Nest");
    const c = owner.client.workspaces;
    const pool = await c.create.mutate({ orgId, name: "GPU pool", description: "Shared GPUs" });
    const sub = await c.create.mutate({ orgId, name: "Training", parentId: pool.id });
    const team = await c.create.mutate({ orgId, name: "Vision team", parentId: sub.id });
    expect(pool).toMatchObject({ parentId: null, name: "GPU pool", description: "Shared GPUs" });
    expect(team.parentId).toBe(sub.id);
    expect((await c.get.query({ orgId, workspaceId: team.id })).path.map((p) => p.name)).toEqual([
      "GPU pool",
      "Training",
      "Vision team",
    ]);

    // Names are unique among siblings only.
    expect(await failure(c.create.mutate({ orgId, name: "training", parentId: pool.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "WORKSPACE_NAME_TAKEN",
    });
    const topTraining = await c.create.mutate({ orgId, name: "Training" });

    const renamed = await c.update.mutate({ orgId, workspaceId: sub.id, name: "Fine-tuning" });
    expect(renamed.name).toBe("Fine-tuning");
    // Move the team up to the top level, and back under the pool.
    expect((await c.update.mutate({ orgId, workspaceId: team.id, parentId: null })).parentId).toBeNull();
    expect((await c.update.mutate({ orgId, workspaceId: team.id, parentId: pool.id })).parentId).toBe(
      pool.id,
    );

    expect((await c.list.query({ orgId })).map((w) => w.name)).toEqual([
      "Fine-tuning",
      "GPU pool",
      "Training",
      "Vision team",
    ]);

    expect(await failure(c.delete.mutate({ orgId, workspaceId: pool.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "WORKSPACE_HAS_CHILDREN",
    });
    const resource = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "in team",
      workspaceId: team.id,
    });
    expect(await failure(c.delete.mutate({ orgId, workspaceId: team.id }))).toMatchObject({
      reason: "WORKSPACE_NOT_EMPTY",
    });
    await owner.client.resources.delete.mutate({ orgId, resourceId: resource.id });
    await c.delete.mutate({ orgId, workspaceId: team.id });
    await c.delete.mutate({ orgId, workspaceId: topTraining.id });
    expect(await failure(c.get.query({ orgId, workspaceId: team.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "WORKSPACE_NOT_FOUND",
    });

    const actions = (await owner.client.audit.list.query({ orgId })).items.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "workspace.created",
        "workspace.updated",
        "workspace.moved",
        "workspace.deleted",
      ]),
    );
  });

  it("refuses cycles and parents from another organization", async () => {
    const { owner, orgId } = await org("Cyril Cycle");
    const other = await org("Otto Other");
    const c = owner.client.workspaces;
    const a = await c.create.mutate({ orgId, name: "A" });
    const b = await c.create.mutate({ orgId, name: "B", parentId: a.id });
    const cc = await c.create.mutate({ orgId, name: "C", parentId: b.id });
    for (const [workspaceId, parentId] of [
      [a.id, cc.id],
      [a.id, b.id],
      [b.id, b.id],
    ] as const) {
      expect(await failure(c.update.mutate({ orgId, workspaceId, parentId }))).toMatchObject({
        code: "BAD_REQUEST",
        reason: "WORKSPACE_CYCLE",
      });
    }
    const foreign = await other.owner.client.workspaces.create.mutate({ orgId: other.orgId, name: "Theirs" });
    expect(await failure(c.create.mutate({ orgId, name: "X", parentId: foreign.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "PARENT_NOT_FOUND",
    });
    expect(await failure(c.update.mutate({ orgId, workspaceId: a.id, parentId: foreign.id }))).toMatchObject({
      reason: "PARENT_NOT_FOUND",
    });
    expect(await failure(c.get.query({ orgId, workspaceId: foreign.id }))).toMatchObject({
      reason: "WORKSPACE_NOT_FOUND",
    });
    // The database refuses it too: the parent key includes the organization.
    await expect(
      t.database.db
        .insertInto("workspaces")
        .values({
          org_id: orgId,
          parent_id: foreign.id,
          name: "sneaky",
          created_at: t.clock(),
          updated_at: t.clock(),
        })
        .execute(),
    ).rejects.toMatchObject({ code: "23503" });
    // Nothing moved.
    expect((await c.list.query({ orgId })).map((w) => [w.name, w.parentId])).toEqual([
      ["A", null],
      ["B", a.id],
      ["C", b.id],
    ]);
  });

  it("refuses a workspace more than 16 levels deep", async () => {
    const { owner, orgId } = await org("Deep Diver");
    let parentId: string | null = null;
    for (let level = 1; level <= 16; level++) {
      parentId = (await owner.client.workspaces.create.mutate({ orgId, name: `L${level}`, parentId })).id;
    }
    expect(
      await failure(owner.client.workspaces.create.mutate({ orgId, name: "L17", parentId })),
    ).toMatchObject({
      reason: "WORKSPACE_TOO_DEEP",
    });
  });

  it("needs workspaces:manage where the workspace is placed; a workspace admin manages their pool", async () => {
    const { owner, orgId } = await org("Paula Pool");
    const viewer = await verifiedPerson(t, "Victor Pool");
    await addMember(t, owner, orgId, viewer, "viewer");
    const pool = await owner.client.workspaces.create.mutate({ orgId, name: "Pool" });
    const elsewhere = await owner.client.workspaces.create.mutate({ orgId, name: "Elsewhere" });
    expect(await failure(viewer.client.workspaces.create.mutate({ orgId, name: "Mine" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: pool.id,
      principal: { userId: viewer.user.id },
      role: "admin",
    });
    const sub = await viewer.client.workspaces.create.mutate({ orgId, name: "Sub-pool", parentId: pool.id });
    await viewer.client.workspaces.update.mutate({ orgId, workspaceId: sub.id, name: "Sub-pool 1" });
    // Their admin grant covers the pool itself (rename) and everything in it, but not the top
    // level where the pool sits (delete or move it) nor another workspace.
    await viewer.client.workspaces.update.mutate({ orgId, workspaceId: pool.id, name: "Pool (GPU)" });
    expect(
      await failure(viewer.client.workspaces.delete.mutate({ orgId, workspaceId: pool.id })),
    ).toMatchObject({
      reason: "PERMISSION_DENIED",
    });
    expect(
      await failure(
        viewer.client.workspaces.update.mutate({ orgId, workspaceId: pool.id, parentId: elsewhere.id }),
      ),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    expect(
      await failure(
        viewer.client.workspaces.update.mutate({ orgId, workspaceId: sub.id, parentId: elsewhere.id }),
      ),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    expect(
      await failure(viewer.client.workspaces.create.mutate({ orgId, name: "Nope", parentId: elsewhere.id })),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    // Inside the pool they may grant access, but never more than they hold there, and never ownership.
    const colleague = await verifiedPerson(t, "Cleo Pool");
    await addMember(t, owner, orgId, colleague, "viewer");
    await viewer.client.workspaces.grant.mutate({
      orgId,
      workspaceId: sub.id,
      principal: { userId: colleague.user.id },
      role: "member",
    });
    expect(
      await failure(
        viewer.client.workspaces.grant.mutate({
          orgId,
          workspaceId: sub.id,
          principal: { userId: colleague.user.id },
          role: "owner",
        }),
      ),
    ).toMatchObject({ reason: "OWNER_NOT_GRANTABLE" });
    await owner.client.roles.create.mutate({
      orgId,
      key: "deleter",
      name: "Deleter",
      permissions: ["org:delete"],
    });
    expect(
      await failure(
        viewer.client.workspaces.grant.mutate({
          orgId,
          workspaceId: sub.id,
          principal: { userId: colleague.user.id },
          role: "deleter",
        }),
      ),
    ).toMatchObject({ reason: "ROLE_NOT_ALLOWED" });
    await viewer.client.workspaces.delete.mutate({ orgId, workspaceId: sub.id });
  });

  it("lists grants, replaces a grant's role, revokes it, and refuses deleting a custom role still granted", async () => {
    const { owner, orgId } = await org("Gail Grants");
    const mia = await verifiedPerson(t, "Mia Grants");
    await addMember(t, owner, orgId, mia, "viewer");
    await owner.client.roles.create.mutate({
      orgId,
      key: "operator",
      name: "Operator",
      permissions: ["resources:read", "resources:operate"],
    });
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "Ops" });
    const group = await owner.client.groups.create.mutate({ orgId, name: "On-call" });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { userId: mia.user.id },
      role: "member",
    });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { userId: mia.user.id },
      role: "operator",
    });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { groupId: group.id },
      role: "operator",
    });
    const grants = await mia.client.workspaces.grants.query({ orgId, workspaceId: ws.id });
    expect(grants.map((g) => [g.principal.type, g.role])).toEqual([
      ["member", "operator"],
      ["group", "operator"],
    ]);
    expect(grants[0]!.principal).toMatchObject({ userId: mia.user.id, name: "Mia Grants", email: mia.email });
    expect(await failure(owner.client.roles.delete.mutate({ orgId, key: "operator" }))).toMatchObject({
      code: "CONFLICT",
      reason: "ROLE_IN_USE",
    });
    await owner.client.workspaces.revoke.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { userId: mia.user.id },
    });
    await owner.client.workspaces.revoke.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { groupId: group.id },
    });
    expect(
      await failure(
        owner.client.workspaces.revoke.mutate({
          orgId,
          workspaceId: ws.id,
          principal: { groupId: group.id },
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "GRANT_NOT_FOUND" });
    await owner.client.roles.delete.mutate({ orgId, key: "operator" });
    expect(
      await failure(
        owner.client.workspaces.grant.mutate({
          orgId,
          workspaceId: ws.id,
          principal: { userId: mia.user.id, groupId: group.id } as never,
          role: "member",
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
    const outsider = await verifiedPerson(t, "Oscar Grants");
    expect(
      await failure(
        owner.client.workspaces.grant.mutate({
          orgId,
          workspaceId: ws.id,
          principal: { userId: outsider.user.id },
          role: "member",
        }),
      ),
    ).toMatchObject({ reason: "MEMBER_NOT_FOUND" });
    const actions = (await owner.client.audit.list.query({ orgId })).items.map((a) => a.action);
    expect(actions.filter((a) => a === "workspace.access_granted")).toHaveLength(3);
    expect(actions.filter((a) => a === "workspace.access_revoked")).toHaveLength(2);
  });
});

describe("groups", () => {
  it("create, rename, add and remove members, delete (taking its grants with it)", async () => {
    const { owner, orgId } = await org("Greta Groups");
    const ann = await verifiedPerson(t, "Ann Groups");
    const ben = await verifiedPerson(t, "Ben Groups");
    await addMember(t, owner, orgId, ann, "viewer");
    await addMember(t, owner, orgId, ben, "viewer");
    const g = owner.client.groups;
    const sre = await g.create.mutate({ orgId, name: "SRE", description: "Keeps it up" });
    expect(await failure(g.create.mutate({ orgId, name: "sre" }))).toMatchObject({
      reason: "GROUP_NAME_TAKEN",
    });
    await g.update.mutate({ orgId, groupId: sre.id, name: "Site reliability" });
    expect(
      (await g.addMembers.mutate({ orgId, groupId: sre.id, userIds: [ann.user.id, ben.user.id] })).added,
    ).toHaveLength(2);
    // Adding again changes nothing.
    expect((await g.addMembers.mutate({ orgId, groupId: sre.id, userIds: [ann.user.id] })).added).toEqual([]);
    const stranger = await verifiedPerson(t, "Stan Groups");
    expect(
      await failure(g.addMembers.mutate({ orgId, groupId: sre.id, userIds: [stranger.user.id] })),
    ).toMatchObject({ reason: "MEMBER_NOT_FOUND" });
    await g.removeMember.mutate({ orgId, groupId: sre.id, userId: ben.user.id });
    expect(
      await failure(g.removeMember.mutate({ orgId, groupId: sre.id, userId: ben.user.id })),
    ).toMatchObject({
      reason: "GROUP_MEMBER_NOT_FOUND",
    });
    const got = await ann.client.groups.get.query({ orgId, groupId: sre.id });
    expect(got).toMatchObject({ name: "Site reliability", description: "Keeps it up", memberCount: 1 });
    expect(got.members.map((m) => m.userId)).toEqual([ann.user.id]);
    expect((await ann.client.groups.list.query({ orgId })).map((x) => [x.name, x.memberCount])).toEqual([
      ["Site reliability", 1],
    ]);
    // Members without workspaces:manage cannot change groups.
    expect(await failure(ann.client.groups.create.mutate({ orgId, name: "Mine" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });

    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "Prod" });
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: ws.id,
      principal: { groupId: sre.id },
      role: "admin",
    });
    expect(
      (await ann.client.workspaces.permissions.query({ orgId, workspaceId: ws.id })).permissions,
    ).toContain("resources:manage");
    await g.delete.mutate({ orgId, groupId: sre.id });
    expect(
      (await ann.client.workspaces.permissions.query({ orgId, workspaceId: ws.id })).permissions,
    ).toEqual(union(rolePermissions("viewer")));
    expect(await owner.client.workspaces.grants.query({ orgId, workspaceId: ws.id })).toEqual([]);
    const actions = (await owner.client.audit.list.query({ orgId })).items.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "group.created",
        "group.updated",
        "group.member_added",
        "group.member_removed",
        "group.deleted",
      ]),
    );
  });
});

describe("effective permissions", () => {
  interface Fixture {
    orgId: string;
    owner: SignedUpPerson;
    people: Record<"vera" | "gus" | "mo" | "cara" | "dee", SignedUpPerson>;
    ws: Record<"pool" | "sub" | "team" | "other", string>;
    groupId: string;
  }
  let fx: Fixture;
  const operator: Permission[] = ["resources:read", "resources:operate"];
  const auditor: Permission[] = ["usage:read", "workspaces:read"];

  beforeAll(async () => {
    const { owner, orgId } = await org("Effie Effective");
    await owner.client.roles.create.mutate({
      orgId,
      key: "operator",
      name: "Operator",
      permissions: operator,
    });
    await owner.client.roles.create.mutate({ orgId, key: "auditor", name: "Auditor", permissions: auditor });
    const people = {} as Fixture["people"];
    for (const [name, role] of [
      ["vera", "viewer"],
      ["gus", "viewer"],
      ["mo", "member"],
      ["cara", "auditor"],
      ["dee", "viewer"],
    ] as const) {
      people[name] = await verifiedPerson(t, `${name} Effective`);
      await addMember(t, owner, orgId, people[name], role);
    }
    const c = owner.client.workspaces;
    const pool = await c.create.mutate({ orgId, name: "Pool" });
    const sub = await c.create.mutate({ orgId, name: "Sub-pool", parentId: pool.id });
    const team = await c.create.mutate({ orgId, name: "Team", parentId: sub.id });
    const other = await c.create.mutate({ orgId, name: "Other" });
    const group = await owner.client.groups.create.mutate({ orgId, name: "Operators" });
    await owner.client.groups.addMembers.mutate({ orgId, groupId: group.id, userIds: [people.gus.user.id] });
    const grant = (workspaceId: string, principal: { userId: string } | { groupId: string }, role: string) =>
      c.grant.mutate({ orgId, workspaceId, principal, role });
    await grant(pool.id, { userId: people.vera.user.id }, "member");
    await grant(sub.id, { groupId: group.id }, "operator");
    await grant(team.id, { userId: people.cara.user.id }, "admin");
    await grant(other.id, { userId: people.dee.user.id }, "operator");
    await grant(team.id, { userId: people.dee.user.id }, "viewer");
    fx = {
      orgId,
      owner,
      people,
      ws: { pool: pool.id, sub: sub.id, team: team.id, other: other.id },
      groupId: group.id,
    };
  });

  const viewer = rolePermissions("viewer");
  const member = rolePermissions("member");
  const admin = rolePermissions("admin");
  const table: [
    person: keyof Fixture["people"],
    workspace: keyof Fixture["ws"],
    expected: string[],
    why: string,
  ][] = [
    ["vera", "other", union(viewer), "an organization role alone where nothing is granted"],
    ["vera", "pool", union(viewer, member), "a direct grant on the workspace"],
    ["vera", "team", union(viewer, member), "a grant on an ancestor applies to descendants"],
    ["gus", "pool", union(viewer), "a grant on a child does not apply to its parent"],
    ["gus", "sub", union(viewer, operator), "a custom role granted to one of my groups"],
    ["gus", "team", union(viewer, operator), "a group grant inherited from the parent"],
    ["mo", "team", union(member), "no grants: the organization role"],
    ["cara", "sub", union(auditor), "a custom organization role"],
    ["cara", "team", union(auditor, admin), "custom organization role ∪ built-in workspace role"],
    ["dee", "other", union(viewer, operator), "a custom role granted directly"],
    ["dee", "team", union(viewer), "a grant that adds nothing"],
  ];

  const rows = table.map(([person, workspace, expected, why]) => ({ person, workspace, expected, why }));
  it.each(rows)("$person in $workspace: $why", async ({ person, workspace, expected }) => {
    const result = await fx.people[person].client.workspaces.permissions.query({
      orgId: fx.orgId,
      workspaceId: fx.ws[workspace],
    });
    expect(result.permissions).toEqual(expected);
  });

  it("says where each role comes from", async () => {
    const result = await fx.people.gus.client.workspaces.permissions.query({
      orgId: fx.orgId,
      workspaceId: fx.ws.team,
    });
    expect(result.sources).toEqual([
      { via: "organization", role: "viewer" },
      { via: "group", role: "operator", workspaceId: fx.ws.sub, groupId: fx.groupId, inherited: true },
    ]);
  });

  it("is computed in one SQL query", async () => {
    const counter = queryCounter();
    const db = t.database.db.withPlugin(counter.plugin);
    const loaded = await loadWorkspacePermissions(db, fx.orgId, fx.people.cara.user.id, fx.ws.team);
    expect(counter.count).toBe(1);
    expect([...loaded!.permissions].sort()).toEqual(union(auditor, admin));
  });

  it("enforces them: a resource in the workspace can be operated only where a grant allows it", async () => {
    const { orgId, owner, people, ws } = fx;
    const inTeam = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "t",
      workspaceId: ws.team,
    });
    const inPool = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "p",
      workspaceId: ws.pool,
    });
    // gus is a viewer; his group's operator grant on Sub-pool covers Team but not Pool.
    expect(
      await failure(people.gus.client.resources.stop.mutate({ orgId, resourceId: inPool.id })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "PERMISSION_DENIED" });
    expect((await people.gus.client.resources.stop.mutate({ orgId, resourceId: inTeam.id })).state).toBe(
      "stopped",
    );
    // vera (viewer) may register resources in Pool and below thanks to her member grant; not elsewhere.
    await people.vera.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "v",
      workspaceId: ws.team,
    });
    expect(
      await failure(
        people.vera.client.resources.register.mutate({
          orgId,
          type: "cluster",
          name: "v2",
          workspaceId: ws.other,
        }),
      ),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    expect(
      await failure(people.vera.client.resources.register.mutate({ orgId, type: "cluster", name: "v3" })),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
  });

  it("changes as soon as groups, grants and custom roles change", async () => {
    const { orgId, owner, people, ws, groupId } = fx;
    const check = async () =>
      (await people.gus.client.workspaces.permissions.query({ orgId, workspaceId: ws.team })).permissions;
    await owner.client.roles.update.mutate({
      orgId,
      key: "operator",
      permissions: [...operator, "resources:create"],
    });
    expect(await check()).toEqual(union(viewer, operator, ["resources:create"]));
    await owner.client.groups.removeMember.mutate({ orgId, groupId, userId: people.gus.user.id });
    expect(await check()).toEqual(union(viewer));
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: ws.pool,
      principal: { userId: people.gus.user.id },
      role: "admin",
    });
    expect(await check()).toEqual(union(viewer, admin));
  });

  it("refuses a deactivated member and a workspace of another organization", async () => {
    const { orgId, owner, people, ws } = fx;
    const stranger = await org("Stella Stranger");
    const theirs = await stranger.owner.client.workspaces.create.mutate({
      orgId: stranger.orgId,
      name: "Theirs",
    });
    expect(
      await failure(people.mo.client.workspaces.permissions.query({ orgId, workspaceId: theirs.id })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "WORKSPACE_NOT_FOUND" });
    expect(
      await failure(stranger.owner.client.workspaces.permissions.query({ orgId, workspaceId: ws.team })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "ORG_NOT_FOUND" });
    await owner.client.members.deactivate.mutate({ orgId, userId: people.dee.user.id });
    expect(
      await failure(people.dee.client.workspaces.permissions.query({ orgId, workspaceId: ws.other })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "MEMBERSHIP_DEACTIVATED" });
  });
});

describe("invitations with workspaces", () => {
  it("grants named workspaces on acceptance, and a pending invitee can be added before accepting", async () => {
    const { owner, orgId } = await org("Ivy Invites");
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "Research" });
    const lab = await owner.client.workspaces.create.mutate({ orgId, name: "Lab" });
    const dan = await verifiedPerson(t, "Dan Invited");
    const { results } = await owner.client.invitations.create.mutate({
      orgId,
      emails: [dan.email],
      role: "viewer",
      workspaces: [{ workspaceId: ws.id, role: "member" }],
    });
    const invitationId = results[0]!.invitationId!;
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: lab.id,
      principal: { invitationId },
      role: "admin",
    });
    expect((await owner.client.workspaces.grants.query({ orgId, workspaceId: lab.id }))[0]).toMatchObject({
      role: "admin",
      principal: { type: "invitation", invitationId, email: dan.email },
    });
    await dan.client.invitations.accept.mutate({ invitationId });
    expect(
      (await dan.client.workspaces.permissions.query({ orgId, workspaceId: ws.id })).permissions,
    ).toEqual(union(rolePermissions("viewer"), rolePermissions("member")));
    expect(
      (await dan.client.workspaces.permissions.query({ orgId, workspaceId: lab.id })).permissions,
    ).toEqual(union(rolePermissions("viewer"), rolePermissions("admin")));
    expect((await owner.client.workspaces.grants.query({ orgId, workspaceId: lab.id }))[0]).toMatchObject({
      principal: { type: "member", userId: dan.user.id },
    });
    const invited = (await owner.client.audit.list.query({ orgId, action: "member.invited" })).items[0];
    expect(invited!.data).toMatchObject({ workspaces: [{ workspaceId: ws.id, role: "member" }] });
  });

  it("refuses the whole batch for an unknown workspace or one the inviter cannot grant", async () => {
    const { owner, orgId } = await org("Ingrid Invalid");
    const other = await org("Olaf Invalid");
    const foreign = await other.owner.client.workspaces.create.mutate({
      orgId: other.orgId,
      name: "Foreign",
    });
    expect(
      await failure(
        owner.client.invitations.create.mutate({
          orgId,
          emails: ["someone.invalid@example.com"],
          role: "member",
          workspaces: [{ workspaceId: foreign.id, role: "member" }],
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "WORKSPACE_NOT_FOUND" });
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "Mine" });
    expect(
      await failure(
        owner.client.invitations.create.mutate({
          orgId,
          emails: ["someone.invalid@example.com"],
          role: "member",
          workspaces: [{ workspaceId: ws.id, role: "owner" }],
        }),
      ),
    ).toMatchObject({ reason: "OWNER_NOT_GRANTABLE" });
    expect((await owner.client.invitations.list.query({ orgId })).items).toEqual([]);
  });
});

describe("leaving and removal", () => {
  async function grantRows(orgId: string, userId: string) {
    const grants = await t.database.db
      .selectFrom("workspace_grants")
      .select("id")
      .where("org_id", "=", orgId)
      .where("user_id", "=", userId)
      .execute();
    const groups = await t.database.db
      .selectFrom("group_members")
      .select("group_id")
      .where("org_id", "=", orgId)
      .where("user_id", "=", userId)
      .execute();
    return grants.length + groups.length;
  }

  it("takes every workspace grant and group membership with the membership", async () => {
    const { owner, orgId } = await org("Lena Leave");
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "W" });
    const sub = await owner.client.workspaces.create.mutate({ orgId, name: "S", parentId: ws.id });
    const group = await owner.client.groups.create.mutate({ orgId, name: "G" });
    const leaver = await verifiedPerson(t, "Leo Leave");
    const removed = await verifiedPerson(t, "Rhea Removed");
    for (const p of [leaver, removed]) {
      await addMember(t, owner, orgId, p, "viewer");
      await owner.client.workspaces.grant.mutate({
        orgId,
        workspaceId: ws.id,
        principal: { userId: p.user.id },
        role: "admin",
      });
      await owner.client.workspaces.grant.mutate({
        orgId,
        workspaceId: sub.id,
        principal: { userId: p.user.id },
        role: "member",
      });
      await owner.client.groups.addMembers.mutate({ orgId, groupId: group.id, userIds: [p.user.id] });
      expect(await grantRows(orgId, p.user.id)).toBe(3);
    }
    await leaver.client.members.leave.mutate({ orgId });
    await owner.client.members.remove.mutate({ orgId, userIds: [removed.user.id] });
    expect(await grantRows(orgId, leaver.user.id)).toBe(0);
    expect(await grantRows(orgId, removed.user.id)).toBe(0);
    expect(await owner.client.workspaces.grants.query({ orgId, workspaceId: ws.id })).toEqual([]);

    // Invited again, they start with nothing in the workspace.
    await addMember(t, owner, orgId, removed, "viewer");
    expect(
      (await removed.client.workspaces.permissions.query({ orgId, workspaceId: sub.id })).permissions,
    ).toEqual(union(rolePermissions("viewer")));
  });
});
