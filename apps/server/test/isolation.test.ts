import { randomUUID } from "node:crypto";
import { createRosterClient, type RosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/routers/index.js";
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
let bobs: {
  resourceId: string;
  workspaceId: string;
  groupId: string;
  scimTokenId: string;
  endpointId: string;
  botId: string;
  domainId: string;
  eventId: string;
  requestId: string;
};
let aliceKey: string;
/** More of Bob's objects, and a few of Alice's to pair them with. */
let more: { invitationId: string; keyId: string; roleKey: string };
let alices: { workspaceId: string; groupId: string; resourceId: string };

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
    events: ["membership.joined"],
  });
  const bot = await b.serviceAccounts.create.mutate({ orgId: bobOrg, name: "Bob bot", role: "member" });
  const domain = await b.domains.add.mutate({ orgId: bobOrg, domain: "bob-isolated.example" });
  // A request to join Bob's organization (how it comes about is join-requests.test.ts's concern).
  const { id: requestId } = await t.database.db
    .insertInto("join_requests")
    .values({
      org_id: bobOrg,
      user_id: alice.user.id,
      email: alice.email,
      domain: "bob-isolated.example",
      status: "pending",
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  bobs = {
    requestId,
    domainId: domain.id,
    resourceId: resource.id,
    workspaceId: workspace.id,
    groupId: group.id,
    scimTokenId: (await b.scim.createToken.mutate({ orgId: bobOrg, name: "Bob's directory" })).scimToken.id,
    endpointId: endpoint.id,
    botId: bot.userId,
    eventId: (
      await t.database.db
        .selectFrom("events")
        .select("id")
        .where("org_id", "=", bobOrg)
        .executeTakeFirstOrThrow()
    ).id,
  };
  const { results } = await b.invitations.create.mutate({
    orgId: bobOrg,
    emails: ["bobs.invitee@example.com"],
    role: "member",
  });
  const key = await b.serviceAccounts.createKey.mutate({
    orgId: bobOrg,
    userId: bot.userId,
    name: "bob-key",
  });
  await b.roles.create.mutate({
    orgId: bobOrg,
    key: "bob-role",
    name: "Bob role",
    permissions: ["members:read"],
  });
  more = { invitationId: results[0]!.invitationId!, keyId: key.apiKey.id, roleKey: "bob-role" };
  const aw = await alice.client.workspaces.create.mutate({ orgId: aliceOrg, name: "Alice's pool" });
  alices = {
    workspaceId: aw.id,
    groupId: (await alice.client.groups.create.mutate({ orgId: aliceOrg, name: "Alice's group" })).id,
    resourceId: (
      await alice.client.resources.register.mutate({
        orgId: aliceOrg,
        type: "cluster",
        name: "alice-cluster",
        workspaceId: aw.id,
      })
    ).id,
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
    expect(await bob.client.usage.balance.query({ orgId: bobOrg })).toMatchObject({
      granted: 50,
      consumed: 3,
      balance: 47,
    });
  });
});

// ---- every procedure that takes an object id ----

/** Input keys that name an object of the organization. */
const ID_KEYS = [
  "invitationId",
  "userId",
  "userIds",
  "workspaceId",
  "parentId",
  "groupId",
  "keyId",
  "resourceId",
  "endpointId",
  "domainId",
  "requestId",
  "tokenId",
  "toUserId",
  "transferTo",
  "ownerId",
  "principal",
  "key",
];

type IdCase = {
  /** What Alice sends, with her own orgId added. */
  input: () => Record<string, unknown>;
  /** The NOT_FOUND reason she must get, or "own": the call acts in her organization only. */
  expect: string | "own";
  /** NOT_FOUND unless said: naming a non-member as a new owner is a bad request, the same for any id. */
  code?: "BAD_REQUEST";
};

/**
 * Alice, owner of her organization, names Bob's objects in calls about her own organization. Each
 * must be NOT_FOUND with the object's own reason (not a later error that would show the row was
 * read), and nothing in either organization changes. Every procedure whose input names an object
 * needs at least one case: a new one without a case fails "covers every procedure".
 */
const ID_CASES: Record<string, IdCase[] | { exempt: string }> = {
  "invitations.create": [
    {
      input: () => ({
        emails: ["x@example.com"],
        role: "member",
        workspaces: [{ workspaceId: bobs.workspaceId, role: "viewer" }],
      }),
      expect: "WORKSPACE_NOT_FOUND",
    },
  ],
  "invitations.resend": [
    { input: () => ({ invitationId: more.invitationId }), expect: "INVITATION_NOT_FOUND" },
  ],
  "invitations.revoke": [
    { input: () => ({ invitationId: more.invitationId }), expect: "INVITATION_NOT_FOUND" },
  ],
  "invitations.link": [
    { input: () => ({ invitationId: more.invitationId }), expect: "INVITATION_NOT_FOUND" },
  ],
  "members.updateRole": [
    { input: () => ({ userId: bob.user.id, role: "viewer" }), expect: "MEMBER_NOT_FOUND" },
  ],
  "members.deactivate": [{ input: () => ({ userId: bob.user.id }), expect: "MEMBER_NOT_FOUND" }],
  "members.reactivate": [{ input: () => ({ userId: bob.user.id }), expect: "MEMBER_NOT_FOUND" }],
  "members.remove": [{ input: () => ({ userIds: [bob.user.id] }), expect: "MEMBER_NOT_FOUND" }],
  "members.leave": {
    exempt:
      "transferTo is read only when the leaver owns resources; the heir check is members.remove's (shared code)",
  },
  "orgs.transferOwnership": [
    { input: () => ({ userId: bob.user.id }), expect: "NOT_A_MEMBER", code: "BAD_REQUEST" },
  ],
  "roles.create": [{ input: () => ({ key: more.roleKey, name: "Mine", permissions: [] }), expect: "own" }],
  "roles.update": [{ input: () => ({ key: more.roleKey, name: "Stolen" }), expect: "ROLE_NOT_FOUND" }],
  "roles.delete": [{ input: () => ({ key: `${more.roleKey}-x` }), expect: "ROLE_NOT_FOUND" }],
  "workspaces.get": [{ input: () => ({ workspaceId: bobs.workspaceId }), expect: "WORKSPACE_NOT_FOUND" }],
  "workspaces.create": [
    { input: () => ({ name: "Sneaky", parentId: bobs.workspaceId }), expect: "PARENT_NOT_FOUND" },
  ],
  "workspaces.update": [
    { input: () => ({ workspaceId: bobs.workspaceId, name: "Stolen" }), expect: "WORKSPACE_NOT_FOUND" },
    {
      input: () => ({ workspaceId: alices.workspaceId, parentId: bobs.workspaceId }),
      expect: "PARENT_NOT_FOUND",
    },
  ],
  "workspaces.delete": [{ input: () => ({ workspaceId: bobs.workspaceId }), expect: "WORKSPACE_NOT_FOUND" }],
  "workspaces.grants": [{ input: () => ({ workspaceId: bobs.workspaceId }), expect: "WORKSPACE_NOT_FOUND" }],
  "workspaces.permissions": [
    { input: () => ({ workspaceId: bobs.workspaceId }), expect: "WORKSPACE_NOT_FOUND" },
  ],
  "workspaces.grant": [
    {
      input: () => ({ workspaceId: bobs.workspaceId, principal: { userId: alice.user.id }, role: "viewer" }),
      expect: "WORKSPACE_NOT_FOUND",
    },
    {
      input: () => ({ workspaceId: alices.workspaceId, principal: { userId: bob.user.id }, role: "viewer" }),
      expect: "MEMBER_NOT_FOUND",
    },
    {
      input: () => ({
        workspaceId: alices.workspaceId,
        principal: { groupId: bobs.groupId },
        role: "viewer",
      }),
      expect: "GROUP_NOT_FOUND",
    },
    {
      input: () => ({
        workspaceId: alices.workspaceId,
        principal: { invitationId: more.invitationId },
        role: "viewer",
      }),
      expect: "INVITATION_NOT_FOUND",
    },
  ],
  "workspaces.revoke": [
    {
      input: () => ({ workspaceId: bobs.workspaceId, principal: { groupId: bobs.groupId } }),
      expect: "WORKSPACE_NOT_FOUND",
    },
  ],
  "groups.get": [{ input: () => ({ groupId: bobs.groupId }), expect: "GROUP_NOT_FOUND" }],
  "groups.update": [{ input: () => ({ groupId: bobs.groupId, name: "Stolen" }), expect: "GROUP_NOT_FOUND" }],
  "groups.delete": [{ input: () => ({ groupId: bobs.groupId }), expect: "GROUP_NOT_FOUND" }],
  "groups.addMembers": [
    { input: () => ({ groupId: bobs.groupId, userIds: [alice.user.id] }), expect: "GROUP_NOT_FOUND" },
    { input: () => ({ groupId: alices.groupId, userIds: [bob.user.id] }), expect: "MEMBER_NOT_FOUND" },
  ],
  "groups.removeMember": [
    { input: () => ({ groupId: bobs.groupId, userId: bob.user.id }), expect: "GROUP_NOT_FOUND" },
  ],
  "serviceAccounts.update": [
    { input: () => ({ userId: bobs.botId, name: "Stolen" }), expect: "SERVICE_ACCOUNT_NOT_FOUND" },
  ],
  "serviceAccounts.delete": [{ input: () => ({ userId: bobs.botId }), expect: "SERVICE_ACCOUNT_NOT_FOUND" }],
  "serviceAccounts.createKey": [
    { input: () => ({ userId: bobs.botId, name: "mine" }), expect: "SERVICE_ACCOUNT_NOT_FOUND" },
  ],
  "serviceAccounts.keys": [{ input: () => ({ userId: bobs.botId }), expect: "SERVICE_ACCOUNT_NOT_FOUND" }],
  "serviceAccounts.revokeKey": [{ input: () => ({ keyId: more.keyId }), expect: "API_KEY_NOT_FOUND" }],
  "settings.get": [{ input: () => ({ key: "cloud.account" }), expect: "SETTING_NOT_FOUND" }],
  "settings.delete": [{ input: () => ({ key: "cloud.secret" }), expect: "SETTING_NOT_FOUND" }],
  "settings.set": [{ input: () => ({ key: "cloud.account", value: "alice's own" }), expect: "own" }],
  "settings.setSecret": [
    { input: () => ({ key: "cloud.secret", value: "alice-own-secret" }), expect: "own" },
  ],
  "resources.register": [
    {
      input: () => ({ type: "cluster", name: "x", workspaceId: bobs.workspaceId }),
      expect: "WORKSPACE_NOT_FOUND",
    },
    {
      input: () => ({ type: "cluster", name: "x", ownerId: bob.user.id }),
      expect: "INVALID_OWNER",
      code: "BAD_REQUEST",
    },
  ],
  "resources.list": [
    { input: () => ({ workspaceId: bobs.workspaceId }), expect: "own" },
    { input: () => ({ ownerId: bob.user.id }), expect: "own" },
  ],
  "resources.get": [{ input: () => ({ resourceId: bobs.resourceId }), expect: "RESOURCE_NOT_FOUND" }],
  "resources.update": [
    { input: () => ({ resourceId: bobs.resourceId, name: "Stolen" }), expect: "RESOURCE_NOT_FOUND" },
    {
      input: () => ({ resourceId: alices.resourceId, workspaceId: bobs.workspaceId }),
      expect: "WORKSPACE_NOT_FOUND",
    },
  ],
  "resources.start": [{ input: () => ({ resourceId: bobs.resourceId }), expect: "RESOURCE_NOT_FOUND" }],
  "resources.stop": [{ input: () => ({ resourceId: bobs.resourceId }), expect: "RESOURCE_NOT_FOUND" }],
  "resources.terminate": [{ input: () => ({ resourceId: bobs.resourceId }), expect: "RESOURCE_NOT_FOUND" }],
  "resources.delete": [{ input: () => ({ resourceId: bobs.resourceId }), expect: "RESOURCE_NOT_FOUND" }],
  "resources.transfer": [
    { input: () => ({ resourceId: bobs.resourceId, toUserId: alice.user.id }), expect: "RESOURCE_NOT_FOUND" },
    {
      input: () => ({ resourceId: alices.resourceId, toUserId: bob.user.id }),
      expect: "INVALID_OWNER",
      code: "BAD_REQUEST",
    },
  ],
  "usage.record": [
    {
      input: () => ({
        events: [{ idempotencyKey: "x-1", quantity: 1, unit: "h", resourceId: bobs.resourceId }],
      }),
      expect: "RESOURCE_NOT_FOUND",
    },
  ],
  "webhooks.get": [{ input: () => ({ endpointId: bobs.endpointId }), expect: "WEBHOOK_NOT_FOUND" }],
  "webhooks.update": [
    { input: () => ({ endpointId: bobs.endpointId, description: "x" }), expect: "WEBHOOK_NOT_FOUND" },
  ],
  "webhooks.rotateSecret": [{ input: () => ({ endpointId: bobs.endpointId }), expect: "WEBHOOK_NOT_FOUND" }],
  "webhooks.delete": [{ input: () => ({ endpointId: bobs.endpointId }), expect: "WEBHOOK_NOT_FOUND" }],
  "webhooks.deliveries": [{ input: () => ({ endpointId: bobs.endpointId }), expect: "WEBHOOK_NOT_FOUND" }],
  "webhooks.sendTest": [{ input: () => ({ endpointId: bobs.endpointId }), expect: "WEBHOOK_NOT_FOUND" }],
  "domains.verify": [
    { input: () => ({ domainId: bobs.domainId, method: "email" }), expect: "DOMAIN_NOT_FOUND" },
  ],
  "domains.remove": [{ input: () => ({ domainId: bobs.domainId }), expect: "DOMAIN_NOT_FOUND" }],
  "webhooks.replay": [
    { input: () => ({ endpointId: bobs.endpointId, deliveryId: randomUUID() }), expect: "WEBHOOK_NOT_FOUND" },
  ],
  "events.list": [{ input: () => ({ after: bobs.eventId }), expect: "EVENT_NOT_FOUND" }],
  "domains.setEnrollment": [
    { input: () => ({ domainId: bobs.domainId, enrollment: "off" }), expect: "DOMAIN_NOT_FOUND" },
  ],
  "joinRequests.approve": [
    { input: () => ({ requestId: bobs.requestId, role: "member" }), expect: "JOIN_REQUEST_NOT_FOUND" },
  ],
  "joinRequests.reject": [{ input: () => ({ requestId: bobs.requestId }), expect: "JOIN_REQUEST_NOT_FOUND" }],
  "scim.revokeToken": [{ input: () => ({ tokenId: bobs.scimTokenId }), expect: "SCIM_TOKEN_NOT_FOUND" }],
  "scim.mapGroupRole": [
    { input: () => ({ groupId: bobs.groupId, role: "member" }), expect: "GROUP_NOT_FOUND" },
  ],
};

type ProcRecord = Record<string, { _def: { type: string; inputs: { shape?: Record<string, unknown> }[] } }>;
const procRecords = () => appRouter._def.procedures as unknown as ProcRecord;

function callPath(client: RosterClient, path: string, input: Record<string, unknown>): Promise<unknown> {
  const node = path.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], client);
  const method = procRecords()[path]!._def.type === "query" ? "query" : "mutate";
  return (node as Record<string, (i: unknown) => Promise<unknown>>)[method]!(input);
}

/** A fingerprint of every row of an organization, in every table that has an org_id. */
async function fingerprint(orgId: string): Promise<Record<string, string>> {
  const db = t.database.db;
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'org_id' and table_schema = 'public' order by table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { table_name } of rows) {
    const r = await sql<{ f: string | null }>`
      select md5(string_agg(x::text, ',' order by x::text)) as f
      from ${sql.table(table_name)} x where x.org_id = ${orgId}`.execute(db);
    out[table_name] = r.rows[0]?.f ?? "";
  }
  return out;
}

describe("another organization's object ids", () => {
  it("covers every procedure whose input names an object", () => {
    const named = Object.entries(procRecords())
      .filter(([, p]) => {
        const keys = p._def.inputs.flatMap((i) => Object.keys(i.shape ?? {}));
        return keys.includes("orgId") && keys.some((k) => ID_KEYS.includes(k));
      })
      .map(([path]) => path);
    for (const path of named) expect(Object.keys(ID_CASES), path).toContain(path);
  });

  it("are not found through one's own organization, and nothing changes", async () => {
    const cases = Object.entries(ID_CASES).flatMap(([path, c]) =>
      Array.isArray(c) ? c.map((one) => ({ path, ...one })) : [],
    );
    const bobBefore = await fingerprint(bobOrg);
    const aliceBefore = await fingerprint(aliceOrg);
    const refused = cases.filter((c) => c.expect !== "own");
    const outcomes = await Promise.all(
      refused.map((c) =>
        failure(callPath(alice.client, c.path, { orgId: aliceOrg, ...c.input() })).catch((e: Error) => ({
          code: "SUCCEEDED",
          reason: e.message,
        })),
      ),
    );
    refused.forEach((c, i) => {
      expect(outcomes[i], `${c.path} ${JSON.stringify(c.input())}`).toMatchObject({
        code: c.code ?? "NOT_FOUND",
        reason: c.expect,
      });
    });
    expect(await fingerprint(aliceOrg)).toEqual(aliceBefore);
    // Calls that act on one's own organization (a key or a filter equal to Bob's) leave Bob's alone.
    for (const c of cases.filter((c) => c.expect === "own")) {
      const result = await callPath(alice.client, c.path, { orgId: aliceOrg, ...c.input() });
      if (c.path === "resources.list") expect((result as { items: unknown[] }).items, c.path).toEqual([]);
    }
    expect(await fingerprint(bobOrg)).toEqual(bobBefore);
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
