import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const withKey = (apiKey: string) => createRosterClient({ url: t.url, apiKey });

async function org(name: string): Promise<{ owner: SignedUpPerson; orgId: string }> {
  const owner = await verifiedPerson(t, name);
  return { owner, orgId: await personalOrg(owner) };
}

describe("service accounts", () => {
  it("are members that are not people: listed as service accounts, with a role, taking a seat", async () => {
    const { owner, orgId } = await org("Sam Service");
    const bot = await owner.client.serviceAccounts.create.mutate({
      orgId,
      name: "Deploy bot",
      role: "member",
      description: "CI deploys",
    });
    expect(bot).toMatchObject({ name: "Deploy bot", role: "member", status: "active", keys: 0 });
    const { items } = await owner.client.members.list.query({ orgId });
    expect(items.find((m) => m.userId === bot.userId)).toMatchObject({
      kind: "member",
      name: "Deploy bot",
      role: "member",
      serviceAccount: true,
    });
    expect(items.find((m) => m.userId === owner.user.id)?.serviceAccount).toBe(false);
    expect((await owner.client.serviceAccounts.list.query({ orgId })).map((s) => s.name)).toEqual([
      "Deploy bot",
    ]);
    const user = await t.database.db
      .selectFrom("users")
      .select(["kind", "password_hash", "email"])
      .where("id", "=", bot.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ kind: "service_account", password_hash: null });
    expect(user.email).toMatch(/@service-accounts\.invalid$/);
    const audit = await owner.client.audit.list.query({ orgId, action: "service_account.created" });
    expect(audit.items[0]).toMatchObject({ targetId: bot.userId, data: { role: "member" } });
  });

  it("take a seat: refused when the organization is full", async () => {
    const full = await startTestServer({ DEFAULT_SEAT_LIMIT: "2" });
    try {
      const owner = await full.signUp("Fay Full");
      const orgId = (await owner.client.orgs.list.query())[0]!.id;
      await owner.client.serviceAccounts.create.mutate({ orgId, name: "One", role: "member" });
      expect(
        await failure(owner.client.serviceAccounts.create.mutate({ orgId, name: "Two", role: "member" })),
      ).toMatchObject({ code: "CONFLICT", reason: "SEAT_LIMIT" });
    } finally {
      await full.close();
    }
  });

  it("cannot be owners, and nobody gives one more than they hold", async () => {
    const { owner, orgId } = await org("Opal Owner");
    const admin = await verifiedPerson(t, "Adam Owner");
    await addMember(t, owner, orgId, admin, "admin");
    expect(
      await failure(owner.client.serviceAccounts.create.mutate({ orgId, name: "Boss bot", role: "owner" })),
    ).toMatchObject({ reason: "OWNER_NOT_ALLOWED" });
    await owner.client.roles.create.mutate({
      orgId,
      key: "destroyer",
      name: "Destroyer",
      permissions: ["org:delete"],
    });
    expect(
      await failure(
        admin.client.serviceAccounts.create.mutate({ orgId, name: "Bad bot", role: "destroyer" }),
      ),
    ).toMatchObject({ reason: "ROLE_NOT_ALLOWED" });
    const member = await verifiedPerson(t, "Mona Owner");
    await addMember(t, owner, orgId, member, "member");
    expect(
      await failure(member.client.serviceAccounts.create.mutate({ orgId, name: "My bot", role: "viewer" })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "PERMISSION_DENIED" });
  });
});

describe("API keys", () => {
  it("are shown once, stored as a hash, listed masked with their last use, and authenticate the SDK", async () => {
    const { owner, orgId } = await org("Kim Keys");
    const bot = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Reporter", role: "member" });
    const created = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "CI",
    });
    expect(created.key).toMatch(/^rk_[a-z2-9]{24}_[a-z2-9]{24}$/);
    const [, id, secret] = created.key.split("_") as [string, string, string];
    expect(created.apiKey).toMatchObject({ id, name: "CI", lastUsedAt: null, revokedAt: null });
    expect(created.apiKey.masked).toBe(`rk_${id}_${"•".repeat(20)}${secret.slice(-4)}`);

    // Only a SHA-256 of the secret is in the database.
    const row = await t.database.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.secret_hash).equals(Buffer.from(hashSecret(secret)))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret);

    // The SDK calls as the service account.
    const sdk = withKey(created.key);
    const seen = await sdk.orgs.get.query({ orgId });
    expect(seen).toMatchObject({ id: orgId, role: "member" });
    const resource = await sdk.resources.register.mutate({ orgId, type: "cluster", name: "bot's cluster" });
    expect(resource.owner).toMatchObject({ id: bot.userId, name: "Reporter" });
    const audit = await owner.client.audit.list.query({ orgId, action: "resource.created" });
    expect(audit.items[0]!.actor).toMatchObject({ id: bot.userId, name: "Reporter" });

    // Listed masked, never with the secret, with the time of last use.
    t.clock.advance(120);
    await sdk.members.list.query({ orgId });
    const keys = await owner.client.serviceAccounts.keys.query({ orgId, userId: bot.userId });
    expect(keys).toEqual([
      {
        id,
        name: "CI",
        masked: created.apiKey.masked,
        createdAt: created.apiKey.createdAt,
        lastUsedAt: t.clock().toISOString(),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain(secret);
    expect((await owner.client.serviceAccounts.list.query({ orgId }))[0]!.keys).toBe(1);
  });

  it("are revoked at once", async () => {
    const { owner, orgId } = await org("Rex Revoke");
    const bot = await owner.client.serviceAccounts.create.mutate({
      orgId,
      name: "Short-lived",
      role: "viewer",
    });
    const first = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "one",
    });
    const second = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "two",
    });
    await withKey(first.key).orgs.get.query({ orgId });
    await owner.client.serviceAccounts.revokeKey.mutate({ orgId, keyId: first.apiKey.id });
    expect(await failure(withKey(first.key).orgs.get.query({ orgId }))).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "INVALID_API_KEY",
    });
    // The other key still works; revoking again is a no-op.
    await withKey(second.key).orgs.get.query({ orgId });
    await owner.client.serviceAccounts.revokeKey.mutate({ orgId, keyId: first.apiKey.id });
    const keys = await owner.client.serviceAccounts.keys.query({ orgId, userId: bot.userId });
    expect(keys.find((k) => k.id === first.apiKey.id)?.revokedAt).toBe(t.clock().toISOString());
    const actions = (await owner.client.audit.list.query({ orgId })).items.map((a) => a.action);
    expect(actions.filter((a) => a === "api_key.revoked")).toHaveLength(1);
    expect(actions.filter((a) => a === "api_key.created")).toHaveLength(2);
  });

  it("refuse a forged or tampered key, and calls that are not about their organization", async () => {
    const { owner, orgId } = await org("Fred Forge");
    const other = await org("Olive Forge");
    const bot = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Forge bot", role: "admin" });
    const { key } = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "k",
    });
    const tampered = `${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`;
    for (const bad of [tampered, "rk_notakey", `${key}x`]) {
      expect(await failure(withKey(bad).orgs.get.query({ orgId }))).toMatchObject({
        reason: "INVALID_API_KEY",
      });
    }
    const sdk = withKey(key);
    expect(await failure(sdk.orgs.get.query({ orgId: other.orgId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "ORG_NOT_FOUND",
    });
    expect(await failure(sdk.settings.list.query({ orgId: other.orgId }))).toMatchObject({
      reason: "ORG_NOT_FOUND",
    });
    // Procedures for people (their own account, creating organizations) are not for keys.
    expect(await failure(sdk.orgs.create.mutate({ name: "Bot corp" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "API_KEY_NOT_ALLOWED",
    });
    expect(await failure(sdk.auth.me.query())).toMatchObject({ reason: "API_KEY_NOT_ALLOWED" });
  });

  it("stop working when the service account is deactivated, and come back on reactivation", async () => {
    const { owner, orgId } = await org("Dora Deactivate");
    const bot = await owner.client.serviceAccounts.create.mutate({
      orgId,
      name: "Paused bot",
      role: "member",
    });
    const { key } = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "k",
    });
    await owner.client.members.deactivate.mutate({ orgId, userId: bot.userId });
    expect(await failure(withKey(key).orgs.get.query({ orgId }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "MEMBERSHIP_DEACTIVATED",
    });
    await owner.client.members.reactivate.mutate({ orgId, userId: bot.userId });
    await withKey(key).orgs.get.query({ orgId });
  });
});

describe("changing and deleting service accounts", () => {
  it("renames and changes the role; deleting needs a new owner for its resources, and ends its keys", async () => {
    const { owner, orgId } = await org("Delia Delete");
    const bot = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Builder", role: "member" });
    const { key } = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "k",
    });
    await owner.client.serviceAccounts.update.mutate({
      orgId,
      userId: bot.userId,
      name: "Builder v2",
      role: "viewer",
    });
    expect((await owner.client.serviceAccounts.list.query({ orgId }))[0]).toMatchObject({
      name: "Builder v2",
      role: "viewer",
    });
    expect(
      await failure(owner.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, role: "owner" })),
    ).toMatchObject({ reason: "OWNER_NOT_ALLOWED" });
    // A viewer cannot create resources; give it back member to make one.
    await owner.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, role: "member" });
    const made = await withKey(key).resources.register.mutate({ orgId, type: "cluster", name: "built" });

    expect(
      await failure(owner.client.serviceAccounts.delete.mutate({ orgId, userId: bot.userId })),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "TRANSFER_REQUIRED",
    });
    expect(
      await owner.client.serviceAccounts.delete.mutate({
        orgId,
        userId: bot.userId,
        transferTo: owner.user.id,
      }),
    ).toEqual({ transferred: 1 });
    expect((await owner.client.resources.get.query({ orgId, resourceId: made.id })).owner?.id).toBe(
      owner.user.id,
    );
    expect(await failure(withKey(key).orgs.get.query({ orgId }))).toMatchObject({
      reason: "INVALID_API_KEY",
    });
    expect(await owner.client.serviceAccounts.list.query({ orgId })).toEqual([]);
    expect((await owner.client.members.list.query({ orgId })).items.map((m) => m.userId)).not.toContain(
      bot.userId,
    );
    expect(
      await failure(owner.client.serviceAccounts.delete.mutate({ orgId, userId: bot.userId })),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "SERVICE_ACCOUNT_NOT_FOUND",
    });
    // A person is not a service account.
    expect(
      await failure(
        owner.client.serviceAccounts.createKey.mutate({ orgId, userId: owner.user.id, name: "mine" }),
      ),
    ).toMatchObject({ reason: "SERVICE_ACCOUNT_NOT_FOUND" });
  });

  it("hand over their resources when deleted, each published as resource.transferred, as when a member is removed", async () => {
    const { owner, orgId } = await org("Hana Handover");
    await owner.client.webhooks.create.mutate({
      orgId,
      url: "https://hooks.example.com/hana",
      events: ["resource.transferred"],
    });
    const bot = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Builder", role: "member" });
    const { key } = await owner.client.serviceAccounts.createKey.mutate({
      orgId,
      userId: bot.userId,
      name: "k",
    });
    const made = await withKey(key).resources.register.mutate({ orgId, type: "cluster", name: "built" });

    await owner.client.serviceAccounts.delete.mutate({
      orgId,
      userId: bot.userId,
      transferTo: owner.user.id,
    });

    const { items } = await owner.client.audit.list.query({ orgId, action: "resource.transferred" });
    expect(items.map((e) => [e.targetId, e.data.from, e.data.to, e.data.reason])).toEqual([
      [made.id, bot.userId, owner.user.id, "service_account.deleted"],
    ]);
    const queued = await t.database.db
      .selectFrom("outbox")
      .select("payload")
      .where("kind", "=", "webhook")
      .execute();
    const payloads = queued.map((m) => m.payload as { event: string; orgId: string });
    expect(payloads.filter((p) => p.orgId === orgId).map((p) => p.event)).toEqual(["resource.transferred"]);
  });

  it("change role through the same rule and event as a person: member.role_changed", async () => {
    const { owner, orgId } = await org("Rhea Rolechange");
    const bot = await owner.client.serviceAccounts.create.mutate({ orgId, name: "Reporter", role: "member" });
    await owner.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, role: "viewer" });
    const { items } = await owner.client.audit.list.query({ orgId, action: "member.role_changed" });
    expect(items.map((e) => [e.targetId, e.data])).toEqual([[bot.userId, { from: "member", to: "viewer" }]]);
    // Giving it the role it has changes nothing, as for a person.
    await owner.client.serviceAccounts.update.mutate({ orgId, userId: bot.userId, role: "viewer" });
    expect(
      (await owner.client.audit.list.query({ orgId, action: "member.role_changed" })).items,
    ).toHaveLength(1);
  });
});
