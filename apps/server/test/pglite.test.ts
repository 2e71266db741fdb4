import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRosterClient, type RosterClient } from "@roster/sdk";
import { pgliteColdStartTimeout } from "@roster/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { type RunningServer, startServer } from "../src/server.js";
import { linkToken } from "./helpers.js";

/**
 * The embedded default is one PGlite connection: a query awaited outside a running transaction
 * would wait forever. This walks every area once on PGlite, as `pnpm start` runs it.
 */
const dir = mkdtempSync(join(tmpdir(), "roster-pglite-app-"));
let server: RunningServer;
const password = "correct horse battery staple";

beforeAll(async () => {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    ROSTER_DATA_DIR: join(dir, "data"),
    SECRET_KEY: "pglite-secret-key-long-enough-0000000000",
    LOG_LEVEL: "silent",
  });
  server = await startServer({ config, runWorker: false });
}, pgliteColdStartTimeout);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (token?: string) => createRosterClient({ url: server.url, token });

async function mail(to: string, path: string): Promise<string> {
  await server.worker.drain();
  const rows = await server.database.db
    .selectFrom("dev_mailbox")
    .select("text")
    .where("to", "=", to)
    .execute();
  const text = rows.map((r) => r.text).find((t) => t.includes(path));
  if (!text) throw new Error(`no ${path} mail to ${to}`);
  return linkToken(text, path);
}

describe("every area on the embedded database", () => {
  let alice: RosterClient;
  let bob: RosterClient;
  let orgId: string;
  let bobId: string;
  let pool: { id: string };

  it("signs up, confirms, invites and accepts", async () => {
    expect(server.database.kind).toBe("pglite");
    const a = await client().auth.signUp.mutate({ email: "alice@example.com", password, name: "Alice" });
    alice = client(a.token);
    orgId = (await alice.orgs.list.query())[0]!.id;
    const b = await client().auth.signUp.mutate({ email: "bob@example.com", password, name: "Bob" });
    bob = client(b.token);
    bobId = b.user.id;
    await client().auth.verifyEmail.mutate({ token: await mail("bob@example.com", "/verify-email/") });
    const { results } = await alice.invitations.create.mutate({
      orgId,
      emails: ["bob@example.com", "carol@example.com"],
      role: "member",
    });
    expect(results.map((r) => r.status)).toEqual(["invited", "invited"]);
    const [inv] = await bob.invitations.mine.query();
    await bob.invitations.accept.mutate({ invitationId: inv!.id });
    const carolToken = await mail("carol@example.com", "/invite/");
    const c = await client().auth.signUp.mutate({
      email: "carol@example.com",
      password,
      name: "Carol",
    });
    await client(c.token).invitations.accept.mutate({ token: carolToken });
    const list = await alice.members.list.query({ orgId, includeInvitations: true });
    expect(list.items).toHaveLength(3);
  });

  it("manages roles, workspaces, groups, settings, resources, usage, webhooks and service accounts", async () => {
    await alice.roles.create.mutate({
      orgId,
      key: "ops",
      name: "Ops",
      permissions: ["resources:read", "resources:operate", "settings:read"],
    });
    await alice.members.updateRole.mutate({ orgId, userId: bobId, role: "ops" });
    pool = await alice.workspaces.create.mutate({ orgId, name: "Pool" });
    await alice.workspaces.create.mutate({ orgId, name: "Sub-pool", parentId: pool.id });
    const group = await alice.groups.create.mutate({ orgId, name: "Team" });
    await alice.groups.addMembers.mutate({ orgId, groupId: group.id, userIds: [bobId] });
    await alice.workspaces.grant.mutate({
      orgId,
      workspaceId: pool.id,
      principal: { groupId: group.id },
      role: "member",
    });
    expect((await bob.workspaces.permissions.query({ orgId, workspaceId: pool.id })).permissions).toContain(
      "resources:create",
    );
    await alice.settings.setSecret.mutate({ orgId, key: "cloud.secret", value: "s3cret" });
    expect((await bob.settings.list.query({ orgId }))[0]).toMatchObject({
      key: "cloud.secret",
      secret: true,
      value: null,
    });
    const cluster = await alice.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "alpha",
      workspaceId: pool.id,
    });
    await bob.resources.stop.mutate({ orgId, resourceId: cluster.id });
    await alice.usage.grantCredits.mutate({ orgId, amount: 10 });
    await alice.usage.record.mutate({
      orgId,
      events: [{ idempotencyKey: "e1", quantity: 2, unit: "hours", resourceId: cluster.id, credits: 2 }],
    });
    // 2 credits recorded, plus the moments the cluster ran before Bob stopped it (charged to Alice).
    const balance = await alice.usage.balance.query({ orgId });
    expect(balance.granted).toBe(10);
    expect(balance.consumed).toBeGreaterThanOrEqual(2);
    expect(balance.consumed).toBeLessThan(2.5);
    expect(balance.balance).toBeCloseTo(balance.granted - balance.consumed, 6);
    const report = await alice.usage.report.query({
      orgId,
      groupBy: "workspace",
      period: "month",
      from: "2000-01-01T00:00:00Z",
      to: "2100-01-01T00:00:00Z",
    });
    expect(report.total.credits).toBeCloseTo(balance.consumed, 6);
    const hook = await alice.webhooks.create.mutate({
      orgId,
      url: "http://127.0.0.1:9/hook",
      events: ["membership.removed"],
    });
    await alice.webhooks.sendTest.mutate({ orgId, endpointId: hook.endpoint.id });
    const robot = await alice.serviceAccounts.create.mutate({ orgId, name: "Robot", role: "viewer" });
    const { key } = await alice.serviceAccounts.createKey.mutate({ orgId, userId: robot.userId, name: "ci" });
    const asRobot = createRosterClient({ url: server.url, apiKey: key });
    expect((await asRobot.resources.list.query({ orgId })).items.map((r) => r.name)).toEqual(["alpha"]);
  });

  it("deactivates, removes with hand-over, and keeps the audit log", async () => {
    await alice.members.deactivate.mutate({ orgId, userId: bobId });
    await expect(bob.orgs.get.query({ orgId })).rejects.toMatchObject({
      data: { reason: "MEMBERSHIP_DEACTIVATED" },
    });
    await alice.members.reactivate.mutate({ orgId, userId: bobId });
    await bob.resources.register.mutate({ orgId, type: "cluster", name: "bravo", workspaceId: pool.id });
    const me = await alice.auth.me.query();
    await alice.members.remove.mutate({ orgId, userIds: [bobId], transferTo: me.user.id });
    const audit = await alice.audit.list.query({ orgId });
    expect(audit.items[0]!.action).toBe("member.removed");
    await server.worker.drain();
  });
});
