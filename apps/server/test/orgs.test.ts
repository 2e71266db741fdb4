import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";
import { startSmtpServer, type TestSmtpServer } from "./smtp.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("organizations", () => {
  it("gives every new account a personal organization it owns", async () => {
    const ada = await t.signUp("Ada");
    const orgs = await ada.client.orgs.list.query();
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({
      name: "Ada's organization",
      personal: true,
      role: "owner",
      memberCount: 1,
      active: true,
    });
    expect((await ada.client.orgs.permissions.query({ orgId: orgs[0]!.id })).permissions).toContain(
      "org:delete",
    );
  });

  it("creates, renames, lists and deletes organizations, with unique URL names", async () => {
    const ada = await t.signUp("Ada Create");
    const org = await ada.client.orgs.create.mutate({ name: "Acme Labs", metadata: { plan: "team" } });
    expect(org).toMatchObject({
      name: "Acme Labs",
      slug: "acme-labs",
      personal: false,
      metadata: { plan: "team" },
    });
    const copy = await ada.client.orgs.create.mutate({ name: "Acme Labs" });
    expect(copy.slug).toMatch(/^acme-labs-[0-9a-f]{6}$/);
    expect(await failure(ada.client.orgs.create.mutate({ name: "Other", slug: "ACME-labs" }))).toMatchObject({
      code: "CONFLICT",
      reason: "SLUG_TAKEN",
    });
    expect(await failure(ada.client.orgs.update.mutate({ orgId: copy.id, slug: "acme-labs" }))).toMatchObject(
      {
        reason: "SLUG_TAKEN",
      },
    );
    expect(await failure(ada.client.orgs.create.mutate({ name: "Bad", slug: "no spaces!" }))).toMatchObject({
      reason: "VALIDATION",
    });
    const renamed = await ada.client.orgs.update.mutate({ orgId: org.id, name: "Acme Inc", slug: "acme" });
    expect(renamed).toMatchObject({ name: "Acme Inc", slug: "acme" });
    expect((await ada.client.orgs.get.query({ orgId: org.id })).memberCount).toBe(1);
    await ada.client.orgs.setActive.mutate({ orgId: org.id });
    const listed = await ada.client.orgs.list.query();
    expect(listed.map((o) => [o.name, o.active])).toEqual([
      ["Acme Inc", true],
      ["Acme Labs", false],
      ["Ada Create's organization", false],
    ]);
    await ada.client.orgs.delete.mutate({ orgId: copy.id });
    expect(await failure(ada.client.orgs.get.query({ orgId: copy.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "ORG_NOT_FOUND",
    });
  });

  it("limits metadata to a small JSON object", async () => {
    const ada = await t.signUp("Ada Meta");
    expect(
      await failure(ada.client.orgs.create.mutate({ name: "Big", metadata: { blob: "x".repeat(5000) } })),
    ).toMatchObject({
      reason: "VALIDATION",
    });
  });
});

describe("deployment settings", () => {
  it("creates no personal organization when PERSONAL_ORGANIZATIONS is off", async () => {
    const s = await startTestServer({ PERSONAL_ORGANIZATIONS: "false" });
    try {
      const ada = await s.signUp("Ada Off");
      expect(await ada.client.orgs.list.query()).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("keeps an account in one organization under SINGLE_ORGANIZATION", async () => {
    const s = await startTestServer({ SINGLE_ORGANIZATION: "true" });
    try {
      const alice = await verifiedPerson(s, "Alice Single");
      const orgId = (await alice.client.orgs.create.mutate({ name: "Solo" })).id;
      expect(await failure(alice.client.orgs.create.mutate({ name: "Second" }))).toMatchObject({
        reason: "SINGLE_ORGANIZATION",
      });
      const bob = await verifiedPerson(s, "Bob Single");
      await bob.client.orgs.create.mutate({ name: "Bob's" });
      const { results } = await alice.client.invitations.create.mutate({
        orgId,
        emails: [bob.email],
        role: "member",
      });
      const refused = await failure(
        bob.client.invitations.accept.mutate({ invitationId: results[0]!.invitationId! }),
      );
      expect(refused.reason).toBe("SINGLE_ORGANIZATION");
      expect(refused.message).toMatch(/Leave it first/);
    } finally {
      await s.close();
    }
  });
});

describe("roles", () => {
  it("creates custom roles from the catalogue and refuses deleting one in use", async () => {
    const alice = await verifiedPerson(t, "Alice Roles");
    const orgId = await personalOrg(alice);
    const role = await alice.client.roles.create.mutate({
      orgId,
      key: "billing",
      name: "Billing",
      permissions: ["members:read", "usage:read", "credits:manage"],
    });
    expect(role).toMatchObject({ key: "billing", builtIn: false });
    expect(
      await failure(
        alice.client.roles.create.mutate({ orgId, key: "billing", name: "Again", permissions: [] }),
      ),
    ).toMatchObject({
      reason: "ROLE_EXISTS",
    });
    expect(
      await failure(
        alice.client.roles.create.mutate({ orgId, key: "magic", name: "Magic", permissions: ["fly:away"] }),
      ),
    ).toMatchObject({ reason: "INVALID_PERMISSION" });
    expect(
      await failure(alice.client.roles.update.mutate({ orgId, key: "admin", name: "Boss" })),
    ).toMatchObject({
      reason: "BUILT_IN_ROLE",
    });
    const keys = (await alice.client.roles.list.query({ orgId })).map((r) => r.key);
    expect(keys).toEqual(["owner", "admin", "member", "viewer", "billing"]);

    const bob = await verifiedPerson(t, "Bob Billing");
    await addMember(t, alice, orgId, bob, "billing");
    expect((await bob.client.orgs.permissions.query({ orgId })).permissions.sort()).toEqual(
      ["credits:manage", "members:read", "usage:read"].sort(),
    );
    expect(await failure(alice.client.roles.delete.mutate({ orgId, key: "billing" }))).toMatchObject({
      code: "CONFLICT",
      reason: "ROLE_IN_USE",
    });
    await alice.client.roles.update.mutate({ orgId, key: "billing", permissions: ["members:read"] });
    expect((await bob.client.orgs.permissions.query({ orgId })).permissions).toEqual(["members:read"]);
    await alice.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "viewer" });
    await alice.client.roles.delete.mutate({ orgId, key: "billing" });
    expect((await alice.client.roles.list.query({ orgId })).map((r) => r.key)).not.toContain("billing");
  });
});

describe("audit log", () => {
  it("records who did what to whom, when, from which IP and user agent", async () => {
    const alice = await verifiedPerson(t, "Alice Audit");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Audit");
    await addMember(t, alice, orgId, bob);
    await alice.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    await alice.client.members.remove.mutate({ orgId, userIds: [bob.user.id] });
    const { items } = await alice.client.audit.list.query({ orgId });
    expect(items.map((e) => e.action)).toEqual([
      "member.removed",
      "member.role_changed",
      "member.joined",
      "member.invited",
      "org.created",
    ]);
    expect(items[1]).toMatchObject({
      actor: { id: alice.user.id, name: "Alice Audit" },
      targetId: bob.user.id,
      data: { from: "member", to: "admin" },
      ip: "127.0.0.1",
    });
    expect(items[1]!.userAgent).toBeTruthy();
    const page = await alice.client.audit.list.query({ orgId, limit: 2 });
    const next = await alice.client.audit.list.query({ orgId, limit: 2, cursor: page.nextCursor! });
    expect(next.items.map((e) => e.action)).toEqual(["member.joined", "member.invited"]);
  });
});

describe("invitation email over SMTP", () => {
  let smtp: TestSmtpServer;
  let s: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    s = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: "Roster <roster@example.com>" });
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it("delivers the invitation through a real SMTP server, once", async () => {
    const signUp = await s
      .client()
      .auth.signUp.mutate({ email: "owner@example.com", password: PASSWORD, name: "Olga" });
    const olga = s.client(signUp.token);
    const orgId = (await olga.orgs.list.query())[0]!.id;
    await olga.orgs.update.mutate({ orgId, name: "Olga Cloud" });
    await olga.invitations.create.mutate({ orgId, emails: ["pat@example.com"], role: "member" });
    await s.deliver();
    await s.deliver();
    const mail = await smtp.waitFor((m) => m.subject === "Olga invited you to join Olga Cloud");
    expect(mail.text).toMatch(/http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]{43}/);
    expect(mail.html).toContain("Olga Cloud");
    expect(mail.from?.text).toContain("roster@example.com");
    expect(smtp.messages.filter((m) => m.subject?.includes("invited you"))).toHaveLength(1);
  });
});
