import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let strict: TestServer;
beforeAll(async () => {
  t = await startTestServer({ CREDITS_PER_RUNNING_HOUR: "2" });
  strict = await startTestServer({ START_WITHOUT_CREDITS: "false" });
});
afterAll(async () => {
  await t?.close();
  await strict?.close();
});

const running = (server: TestServer, orgId: string) =>
  server.database.db
    .selectFrom("usage_events")
    .select(["user_id", "resource_id", "quantity", "credits", "unit", "recorded_by"])
    .where("org_id", "=", orgId)
    .where("unit", "=", "running-hours")
    .orderBy("occurred_at")
    .execute();

describe("running time", () => {
  it("is charged to the owner when someone else presses Stop, once per run", async () => {
    const owner = await verifiedPerson(t, "Olga Owner");
    const orgId = await personalOrg(owner);
    const operator = await verifiedPerson(t, "Oscar Operator");
    await addMember(t, owner, orgId, operator, "admin");
    const cluster = await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "alpha" });
    t.clock.advance(90 * 60);
    await operator.client.resources.stop.mutate({ orgId, resourceId: cluster.id });
    expect(await running(t, orgId)).toEqual([
      {
        user_id: owner.user.id,
        resource_id: cluster.id,
        quantity: "1.5",
        credits: "3",
        unit: "running-hours",
        recorded_by: operator.user.id,
      },
    ]);
    // Started again by the operator and terminated by him: still the owner's time.
    await operator.client.resources.start.mutate({ orgId, resourceId: cluster.id });
    t.clock.advance(30 * 60);
    await operator.client.resources.terminate.mutate({ orgId, resourceId: cluster.id });
    const rows = await running(t, orgId);
    expect(rows.map((r) => [r.user_id, r.quantity])).toEqual([
      [owner.user.id, "1.5"],
      [owner.user.id, "0.5"],
    ]);
    const balance = await owner.client.usage.balance.query({ orgId });
    expect(balance).toMatchObject({ consumed: 4, balance: -4, creditsPerRunningHour: 2 });
    const audit = await owner.client.audit.list.query({ orgId, action: "resource.state_changed" });
    expect(audit.items[0]?.data).toMatchObject({
      action: "terminate",
      chargedTo: owner.user.id,
      chargedAs: "owner",
    });
  });

  it("is charged to whoever started a resource that has no owner", async () => {
    const owner = await verifiedPerson(t, "Nora Noowner");
    const orgId = await personalOrg(owner);
    const starter = await verifiedPerson(t, "Sid Starter");
    await addMember(t, owner, orgId, starter, "admin");
    const cluster = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "beta",
      state: "stopped",
    });
    await t.database.db
      .updateTable("resources")
      .set({ owner_id: null })
      .where("id", "=", cluster.id)
      .execute();
    await starter.client.resources.start.mutate({ orgId, resourceId: cluster.id });
    t.clock.advance(3600);
    await owner.client.resources.stop.mutate({ orgId, resourceId: cluster.id });
    expect((await running(t, orgId)).map((r) => [r.user_id, r.quantity])).toEqual([[starter.user.id, "1"]]);
  });

  it("refuses to start with no credits left when the deployment says so, and starts once credits are added", async () => {
    const owner = await verifiedPerson(strict, "Fay Frugal");
    const orgId = await personalOrg(owner);
    expect(
      await failure(owner.client.resources.register.mutate({ orgId, type: "cluster", name: "gamma" })),
    ).toMatchObject({ code: "CONFLICT", reason: "CREDITS_EXHAUSTED" });
    expect(
      await strict.database.db.selectFrom("resources").select("id").where("org_id", "=", orgId).execute(),
    ).toEqual([]);
    const stopped = await owner.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "gamma",
      state: "stopped",
    });
    expect(
      await failure(owner.client.resources.start.mutate({ orgId, resourceId: stopped.id })),
    ).toMatchObject({ reason: "CREDITS_EXHAUSTED" });
    expect(await owner.client.usage.balance.query({ orgId })).toMatchObject({
      balance: 0,
      startWithoutCredits: false,
    });
    await owner.client.usage.grantCredits.mutate({ orgId, amount: 1 });
    await owner.client.resources.start.mutate({ orgId, resourceId: stopped.id });
    strict.clock.advance(2 * 3600);
    await owner.client.resources.stop.mutate({ orgId, resourceId: stopped.id });
    // Running past zero is charged in full; the next start is refused.
    expect((await owner.client.usage.balance.query({ orgId })).balance).toBe(-1);
    expect(
      await failure(owner.client.resources.start.mutate({ orgId, resourceId: stopped.id })),
    ).toMatchObject({ reason: "CREDITS_EXHAUSTED" });
  });

  it("lets a resource start with no credits by default", async () => {
    const owner = await verifiedPerson(t, "Gil Generous");
    const orgId = await personalOrg(owner);
    const cluster = await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "delta" });
    expect(cluster.state).toBe("running");
    expect(await owner.client.usage.balance.query({ orgId })).toMatchObject({
      balance: 0,
      startWithoutCredits: true,
    });
  });
});
