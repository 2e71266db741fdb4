import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function team(name: string) {
  const owner = await verifiedPerson(t, `${name} Owner`);
  const orgId = await personalOrg(owner);
  const member = await verifiedPerson(t, `${name} Member`);
  const viewer = await verifiedPerson(t, `${name} Viewer`);
  const admin = await verifiedPerson(t, `${name} Admin`);
  await addMember(t, owner, orgId, member, "member");
  await addMember(t, owner, orgId, viewer, "viewer");
  await addMember(t, owner, orgId, admin, "admin");
  return { owner, member, viewer, admin, orgId };
}

describe("resources", () => {
  it("register, get, update, transfer and delete, each audited", async () => {
    const { owner, member, admin, orgId } = await team("Rosa");
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "Clusters" });
    const r = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "spark-1",
      workspaceId: ws.id,
      metadata: { nodes: 4 },
    });
    expect(r).toMatchObject({
      type: "cluster",
      name: "spark-1",
      state: "running",
      workspaceId: ws.id,
      owner: { id: member.user.id, name: "Rosa Member" },
      metadata: { nodes: 4 },
    });
    expect(await owner.client.resources.get.query({ orgId, resourceId: r.id })).toEqual(r);

    const renamed = await member.client.resources.update.mutate({
      orgId,
      resourceId: r.id,
      name: "spark-main",
      metadata: { nodes: 8 },
      workspaceId: null,
    });
    expect(renamed).toMatchObject({ name: "spark-main", metadata: { nodes: 8 }, workspaceId: null });

    // The owner hands it over; then only the new owner or resources:manage may change it.
    const moved = await member.client.resources.transfer.mutate({
      orgId,
      resourceId: r.id,
      toUserId: admin.user.id,
    });
    expect(moved.owner?.id).toBe(admin.user.id);
    expect(
      await failure(member.client.resources.update.mutate({ orgId, resourceId: r.id, name: "mine" })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    // Admins hold resources:manage: they may act on anyone's resource.
    await admin.client.resources.transfer.mutate({ orgId, resourceId: r.id, toUserId: owner.user.id });
    const outsider = await verifiedPerson(t, "Rosa Outsider");
    expect(
      await failure(
        owner.client.resources.transfer.mutate({ orgId, resourceId: r.id, toUserId: outsider.user.id }),
      ),
    ).toMatchObject({ reason: "INVALID_OWNER" });
    await owner.client.resources.delete.mutate({ orgId, resourceId: r.id });
    expect(await failure(owner.client.resources.get.query({ orgId, resourceId: r.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "RESOURCE_NOT_FOUND",
    });
    const actions = (await owner.client.audit.list.query({ orgId })).items
      .filter((a) => a.targetId === r.id)
      .map((a) => a.action);
    expect(actions).toEqual([
      "resource.deleted",
      "resource.transferred",
      "resource.transferred",
      "resource.updated",
      "resource.created",
    ]);
  });

  it("starts, stops and terminates; terminated is final and invalid transitions say why", async () => {
    const { owner, member, viewer, orgId } = await team("Stan");
    const r = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "c",
      state: "stopped",
    });
    expect(r.state).toBe("stopped");
    expect(await failure(viewer.client.resources.start.mutate({ orgId, resourceId: r.id }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    expect(await failure(member.client.resources.stop.mutate({ orgId, resourceId: r.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "INVALID_STATE_TRANSITION",
      message: "This resource is already stopped, so it cannot be stopped.",
    });
    expect((await member.client.resources.start.mutate({ orgId, resourceId: r.id })).state).toBe("running");
    expect(await failure(member.client.resources.start.mutate({ orgId, resourceId: r.id }))).toMatchObject({
      reason: "INVALID_STATE_TRANSITION",
      message: "This resource is already running, so it cannot be started.",
    });
    // Any member with resources:operate may operate a resource they do not own.
    expect((await owner.client.resources.stop.mutate({ orgId, resourceId: r.id })).state).toBe("stopped");
    expect((await member.client.resources.terminate.mutate({ orgId, resourceId: r.id })).state).toBe(
      "terminated",
    );
    for (const op of ["start", "stop", "terminate"] as const) {
      expect(await failure(owner.client.resources[op].mutate({ orgId, resourceId: r.id }))).toMatchObject({
        code: "CONFLICT",
        reason: "RESOURCE_TERMINATED",
      });
    }
    const changes = (await owner.client.audit.list.query({ orgId, action: "resource.state_changed" })).items;
    expect(changes.map((a) => [a.data.from, a.data.to])).toEqual([
      ["stopped", "terminated"],
      ["running", "stopped"],
      ["stopped", "running"],
    ]);
    expect(
      await failure(viewer.client.resources.register.mutate({ orgId, type: "cluster", name: "v" })),
    ).toMatchObject({
      reason: "PERMISSION_DENIED",
    });
  });

  it("lists newest first with a keyset cursor, and filters by type, owner, state, workspace and name", async () => {
    const { owner, member, orgId } = await team("Lars");
    const pool = await owner.client.workspaces.create.mutate({ orgId, name: "Pool" });
    const sub = await owner.client.workspaces.create.mutate({ orgId, name: "Sub", parentId: pool.id });
    const made: string[] = [];
    const specs: [SignedUpPerson, string, string, string | null][] = [
      [owner, "cluster", "alpha", pool.id],
      [member, "cluster", "beta", sub.id],
      [member, "bucket", "gamma", null],
      [owner, "cluster", "Alpine", sub.id],
      [member, "cluster", "delta", null],
    ];
    for (const [who, type, name, workspaceId] of specs) {
      made.push((await who.client.resources.register.mutate({ orgId, type, name, workspaceId })).id);
      t.clock.advance(1);
    }
    await member.client.resources.stop.mutate({ orgId, resourceId: made[4]! });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await member.client.resources.list.query({ orgId, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());

    const names = async (filter: Record<string, unknown>) =>
      (await member.client.resources.list.query({ orgId, ...filter })).items.map((i) => i.name);
    expect(await names({ type: "bucket" })).toEqual(["gamma"]);
    expect(await names({ ownerId: owner.user.id })).toEqual(["Alpine", "alpha"]);
    expect(await names({ state: "stopped" })).toEqual(["delta"]);
    expect(await names({ workspaceId: pool.id })).toEqual(["alpha"]);
    expect(await names({ workspaceId: pool.id, includeSubWorkspaces: true })).toEqual([
      "Alpine",
      "beta",
      "alpha",
    ]);
    expect(await names({ search: "alp" })).toEqual(["Alpine", "alpha"]);
    expect(await failure(member.client.resources.list.query({ orgId, cursor: "forged" }))).toMatchObject({
      reason: "INVALID_CURSOR",
    });
  });

  it("shows a member without resources:read in the organization only what their workspace grants allow", async () => {
    const { owner, orgId } = await team("Wes");
    await owner.client.roles.create.mutate({
      orgId,
      key: "guest",
      name: "Guest",
      permissions: ["members:read"],
    });
    const guest = await verifiedPerson(t, "Wes Guest");
    await addMember(t, owner, orgId, guest, "guest");
    const pool = await owner.client.workspaces.create.mutate({ orgId, name: "Pool" });
    const sub = await owner.client.workspaces.create.mutate({ orgId, name: "Sub", parentId: pool.id });
    const hidden = await owner.client.workspaces.create.mutate({ orgId, name: "Hidden" });
    const inSub = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "in-sub",
      workspaceId: sub.id,
    });
    const inHidden = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "in-hidden",
      workspaceId: hidden.id,
    });
    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "nowhere" });
    expect((await guest.client.resources.list.query({ orgId })).items).toEqual([]);
    await owner.client.workspaces.grant.mutate({
      orgId,
      workspaceId: pool.id,
      principal: { userId: guest.user.id },
      role: "viewer",
    });
    expect((await guest.client.resources.list.query({ orgId })).items.map((i) => i.name)).toEqual(["in-sub"]);
    expect((await guest.client.resources.get.query({ orgId, resourceId: inSub.id })).name).toBe("in-sub");
    expect(await failure(guest.client.resources.get.query({ orgId, resourceId: inHidden.id }))).toMatchObject(
      {
        code: "FORBIDDEN",
        reason: "PERMISSION_DENIED",
      },
    );
  });

  it("members.remove still hands a removed owner's resources to the named member", async () => {
    const { owner, member, admin, orgId } = await team("Hugo");
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "W" });
    const r = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "mine",
      workspaceId: ws.id,
    });
    expect(
      await failure(owner.client.members.remove.mutate({ orgId, userIds: [member.user.id] })),
    ).toMatchObject({
      reason: "TRANSFER_REQUIRED",
    });
    const result = await owner.client.members.remove.mutate({
      orgId,
      userIds: [member.user.id],
      transferTo: admin.user.id,
    });
    expect(result.transferred).toBe(1);
    expect(await owner.client.resources.get.query({ orgId, resourceId: r.id })).toMatchObject({
      owner: { id: admin.user.id },
      workspaceId: ws.id,
    });
  });
});

describe("creating a resource again with the same idempotency key", () => {
  it("returns the first resource to repeated and concurrent requests, and creates it once", async () => {
    const { member, orgId } = await team("Ida");
    const request = { orgId, type: "cluster", name: "twice", idempotencyKey: "create-twice-1" };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => member.client.resources.register.mutate(request)),
    );
    const again = await member.client.resources.register.mutate(request);
    const ids = new Set([...answers, again].map((r) => r.id));
    expect(ids.size).toBe(1);
    const rows = await t.database.db
      .selectFrom("resources")
      .select("id")
      .where("org_id", "=", orgId)
      .execute();
    expect(rows.map((r) => r.id)).toEqual([...ids]);
    const created = await t.database.db
      .selectFrom("audit_events")
      .select("id")
      .where("org_id", "=", orgId)
      .where("action", "=", "resource.created")
      .execute();
    expect(created).toHaveLength(1);
  });

  it("refuses the key for a different resource and changes nothing; other keys and organizations are independent", async () => {
    const { member, orgId } = await team("Kay");
    const first = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "one",
      idempotencyKey: "k-1",
    });
    const refused = await failure(
      member.client.resources.register.mutate({ orgId, type: "cluster", name: "two", idempotencyKey: "k-1" }),
    );
    expect(refused).toMatchObject({ code: "CONFLICT", reason: "IDEMPOTENCY_KEY_REUSED" });
    const second = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "one",
      idempotencyKey: "k-2",
    });
    expect(second.id).not.toBe(first.id);
    const elsewhere = await verifiedPerson(t, "Kay Elsewhere");
    const otherOrg = await personalOrg(elsewhere);
    const theirs = await elsewhere.client.resources.register.mutate({
      orgId: otherOrg,
      type: "cluster",
      name: "one",
      idempotencyKey: "k-1",
    });
    expect(theirs.id).not.toBe(first.id);
    const names = await t.database.db
      .selectFrom("resources")
      .select("name")
      .where("org_id", "=", orgId)
      .orderBy("created_at")
      .execute();
    expect(names.map((r) => r.name)).toEqual(["one", "one"]);
  });
});
