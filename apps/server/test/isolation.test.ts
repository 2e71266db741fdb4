import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

/**
 * A member of one organization never reads another organization's settings, resources, usage,
 * workspaces, groups, service accounts or webhooks: every such call is NOT_FOUND ORG_NOT_FOUND, the
 * same answer as for an organization that does not exist.
 */
let t: TestServer;
let alice: SignedUpPerson;
let bob: SignedUpPerson;
let aliceOrg: string;
let bobOrg: string;
let bobs: { resourceId: string; workspaceId: string; groupId: string; endpointId: string; botId: string };
let aliceKey: string;

beforeAll(async () => {
  t = await startTestServer();
  alice = await verifiedPerson(t, "Alice Isolated");
  bob = await verifiedPerson(t, "Bob Isolated");
  aliceOrg = await personalOrg(alice);
  bobOrg = await personalOrg(bob);
  const b = bob.client;
  await b.settings.set.mutate({ orgId: bobOrg, key: "cloud.account", value: "bob-account-123" });
  await b.settings.setSecret.mutate({ orgId: bobOrg, key: "cloud.secret", value: "bob-secret-value-xyz" });
  const workspace = await b.workspaces.create.mutate({ orgId: bobOrg, name: "Bob's pool" });
  const resource = await b.resources.register.mutate({
    orgId: bobOrg,
    type: "cluster",
    name: "bob-cluster",
    workspaceId: workspace.id,
  });
  await b.usage.record.mutate({
    orgId: bobOrg,
    events: [
      { idempotencyKey: "bob-1", quantity: 5, unit: "gpu_hours", resourceId: resource.id, credits: 3 },
    ],
  });
  await b.usage.grantCredits.mutate({ orgId: bobOrg, amount: 50 });
  const group = await b.groups.create.mutate({ orgId: bobOrg, name: "Bob's group" });
  const { endpoint } = await b.webhooks.create.mutate({
    orgId: bobOrg,
    url: "https://hooks.example.com/bob",
    events: ["member.joined"],
  });
  const bot = await b.serviceAccounts.create.mutate({ orgId: bobOrg, name: "Bob bot", role: "member" });
  bobs = {
    resourceId: resource.id,
    workspaceId: workspace.id,
    groupId: group.id,
    endpointId: endpoint.id,
    botId: bot.userId,
  };
  const aliceBot = await alice.client.serviceAccounts.create.mutate({
    orgId: aliceOrg,
    name: "Alice bot",
    role: "admin",
  });
  aliceKey = (
    await alice.client.serviceAccounts.createKey.mutate({
      orgId: aliceOrg,
      userId: aliceBot.userId,
      name: "k",
    })
  ).key;
});
afterAll(() => t?.close());

const range = { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" };

function calls(client: SignedUpPerson["client"]): [string, () => Promise<unknown>][] {
  const orgId = bobOrg;
  return [
    ["settings.list", () => client.settings.list.query({ orgId })],
    ["settings.get", () => client.settings.get.query({ orgId, key: "cloud.account" })],
    ["settings.get secret", () => client.settings.get.query({ orgId, key: "cloud.secret" })],
    ["settings.set", () => client.settings.set.mutate({ orgId, key: "cloud.account", value: "stolen" })],
    ["resources.list", () => client.resources.list.query({ orgId })],
    ["resources.get", () => client.resources.get.query({ orgId, resourceId: bobs.resourceId })],
    ["resources.stop", () => client.resources.stop.mutate({ orgId, resourceId: bobs.resourceId })],
    [
      "usage.report",
      () => client.usage.report.query({ orgId, groupBy: "member", period: "month", ...range }),
    ],
    ["usage.balance", () => client.usage.balance.query({ orgId })],
    ["usage.creditGrants", () => client.usage.creditGrants.query({ orgId })],
    [
      "usage.record",
      () => client.usage.record.mutate({ orgId, events: [{ idempotencyKey: "x", quantity: 1, unit: "h" }] }),
    ],
    ["workspaces.list", () => client.workspaces.list.query({ orgId })],
    [
      "workspaces.permissions",
      () => client.workspaces.permissions.query({ orgId, workspaceId: bobs.workspaceId }),
    ],
    ["groups.get", () => client.groups.get.query({ orgId, groupId: bobs.groupId })],
    ["serviceAccounts.list", () => client.serviceAccounts.list.query({ orgId })],
    ["webhooks.deliveries", () => client.webhooks.deliveries.query({ orgId, endpointId: bobs.endpointId })],
  ];
}

describe("another organization's data", () => {
  it("is never readable by a member of another organization", async () => {
    for (const [name, call] of calls(alice.client)) {
      expect(await failure(call()), name).toMatchObject({ code: "NOT_FOUND", reason: "ORG_NOT_FOUND" });
    }
  });

  it("is never readable with another organization's API key", async () => {
    const sdk = createRosterClient({ url: t.url, apiKey: aliceKey });
    for (const [name, call] of calls(sdk)) {
      expect(await failure(call()), name).toMatchObject({ code: "NOT_FOUND", reason: "ORG_NOT_FOUND" });
    }
  });

  it("is not found through one's own organization either", async () => {
    const orgId = aliceOrg;
    const c = alice.client;
    expect(await failure(c.resources.get.query({ orgId, resourceId: bobs.resourceId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "RESOURCE_NOT_FOUND",
    });
    expect(await failure(c.resources.start.mutate({ orgId, resourceId: bobs.resourceId }))).toMatchObject({
      reason: "RESOURCE_NOT_FOUND",
    });
    expect(await failure(c.workspaces.get.query({ orgId, workspaceId: bobs.workspaceId }))).toMatchObject({
      reason: "WORKSPACE_NOT_FOUND",
    });
    expect((await c.resources.list.query({ orgId, workspaceId: bobs.workspaceId })).items).toEqual([]);
    expect(await failure(c.groups.get.query({ orgId, groupId: bobs.groupId }))).toMatchObject({
      reason: "GROUP_NOT_FOUND",
    });
    expect(await failure(c.webhooks.get.query({ orgId, endpointId: bobs.endpointId }))).toMatchObject({
      reason: "WEBHOOK_NOT_FOUND",
    });
    expect(await failure(c.serviceAccounts.keys.query({ orgId, userId: bobs.botId }))).toMatchObject({
      reason: "SERVICE_ACCOUNT_NOT_FOUND",
    });
    expect(
      await failure(
        c.usage.record.mutate({
          orgId,
          events: [{ idempotencyKey: "steal", quantity: 1, unit: "h", resourceId: bobs.resourceId }],
        }),
      ),
    ).toMatchObject({ reason: "RESOURCE_NOT_FOUND" });
    // Alice's own views hold nothing of Bob's.
    const mine = JSON.stringify([
      await c.settings.list.query({ orgId }),
      await c.resources.list.query({ orgId }),
      await c.usage.report.query({ orgId, groupBy: "resource", period: "month", ...range }),
      await c.usage.balance.query({ orgId }),
      await c.workspaces.list.query({ orgId }),
    ]);
    for (const secret of ["bob-account-123", "bob-cluster", "Bob's pool", bobs.resourceId]) {
      expect(mine).not.toContain(secret);
    }
    // And Bob's data is untouched.
    expect((await bob.client.settings.get.query({ orgId: bobOrg, key: "cloud.account" })).value).toBe(
      "bob-account-123",
    );
    expect((await bob.client.resources.get.query({ orgId: bobOrg, resourceId: bobs.resourceId })).state).toBe(
      "running",
    );
    expect(await bob.client.usage.balance.query({ orgId: bobOrg })).toEqual({
      granted: 50,
      consumed: 3,
      balance: 47,
    });
  });
});

describe("deleting an organization", () => {
  it("takes its workspaces, grants, groups, service accounts, keys, settings, resources, usage and webhooks with it", async () => {
    const db = t.database.db;
    await bob.client.workspaces.grant.mutate({
      orgId: bobOrg,
      workspaceId: bobs.workspaceId,
      principal: { groupId: bobs.groupId },
      role: "member",
    });
    await bob.client.serviceAccounts.createKey.mutate({ orgId: bobOrg, userId: bobs.botId, name: "k" });
    await bob.client.orgs.delete.mutate({ orgId: bobOrg });
    const tables = [
      "workspaces",
      "workspace_grants",
      "groups",
      "group_members",
      "service_accounts",
      "api_keys",
      "org_settings",
      "resources",
      "usage_events",
      "credit_grants",
      "webhook_endpoints",
      "webhook_deliveries",
    ] as const;
    for (const table of tables) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("org_id", "=", bobOrg)
        .executeTakeFirstOrThrow();
      expect(Number(row.n), table).toBe(0);
    }
    // Alice's organization is untouched.
    expect((await alice.client.serviceAccounts.list.query({ orgId: aliceOrg })).map((s) => s.name)).toEqual([
      "Alice bot",
    ]);
  });
});
