import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostApiKey, revokeHostApiKey } from "../src/auth/host-keys.js";
import { failure, linkToken, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let hostKey: string;
let hostKeyId: string;
beforeAll(async () => {
  t = await startTestServer({ ALLOWED_ORIGINS: "http://host.example:5173" });
  const created = await createHostApiKey(t.database.db, "Example host", t.clock());
  hostKey = created.key;
  hostKeyId = created.id;
});
afterAll(() => t?.close());

const host = () => createRosterClient({ url: t.url, token: hostKey });

/** A second host product on the same deployment. */
async function otherHost(name: string) {
  const created = await createHostApiKey(t.database.db, name, t.clock());
  return createRosterClient({ url: t.url, token: created.key });
}

/** The connection link emailed to `address`, as its owner would open it. */
async function linkFromMail(address: string): Promise<string> {
  await t.deliver();
  const mail = (await t.mailTo(address)).filter((m) => m.text.includes("/link-account/"));
  return linkToken(mail.at(-1)!.text, "/link-account/");
}

describe("embed tokens", () => {
  it("turn a host's user into a Roster account with a short-lived bearer token", async () => {
    const first = await host().embed.createToken.mutate({
      externalUserId: "u-1",
      email: "dana@host.example",
      name: "Dana",
    });
    const me = await t.client(first.token).auth.me.query();
    expect(me.user).toMatchObject({ id: first.userId, email: "dana@host.example", emailVerified: true });
    expect(new Date(first.expiresAt).getTime() - t.clock().getTime()).toBe(3600 * 1000);
    // The same external user maps to the same account, with the name the host now has.
    const again = await host().embed.createToken.mutate({
      externalUserId: "u-1",
      email: "dana@host.example",
      name: "Dana K",
    });
    expect(again.userId).toBe(first.userId);
    expect((await t.client(again.token).auth.me.query()).user.name).toBe("Dana K");
    expect(await t.client(again.token).orgs.list.query()).toHaveLength(1);
  });

  it("expire after an hour and are not extended by use", async () => {
    const { token } = await host().embed.createToken.mutate({
      externalUserId: "u-2",
      email: "eli@host.example",
      name: "Eli",
    });
    t.clock.advance(50 * 60);
    await t.client(token).auth.me.query();
    t.clock.advance(11 * 60);
    expect(await failure(t.client(token).auth.me.query())).toMatchObject({ reason: "SESSION_EXPIRED" });
  });

  it("need a valid host API key", async () => {
    const input = { externalUserId: "u-3", email: "x@host.example", name: "X" };
    const person = await verifiedPerson(t, "Not A Host");
    expect(await failure(person.client.embed.createToken.mutate(input))).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "HOST_KEY_REQUIRED",
    });
    const forged = `${hostKey.slice(0, -4)}aaaa`;
    expect(
      await failure(createRosterClient({ url: t.url, token: forged }).embed.createToken.mutate(input)),
    ).toMatchObject({
      reason: "INVALID_HOST_KEY",
    });
    const other = await createHostApiKey(t.database.db, "Revoked", t.clock());
    await revokeHostApiKey(t.database.db, other.id, t.clock());
    expect(
      await failure(createRosterClient({ url: t.url, token: other.key }).embed.createToken.mutate(input)),
    ).toMatchObject({ reason: "INVALID_HOST_KEY" });
    const stored = await t.database.db
      .selectFrom("host_api_keys")
      .selectAll()
      .where("id", "=", hostKeyId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(hostKey.split("_")[2]);
  });

  it("let a host override one organization's seat limit", async () => {
    const alice = await verifiedPerson(t, "Alice Seats");
    const orgId = await personalOrg(alice);
    await host().embed.setSeatLimit.mutate({ orgId, seatLimit: 2 });
    expect((await alice.client.orgs.get.query({ orgId })).seatLimit).toBe(2);
    const result = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["s1@example.com"],
      role: "member",
    });
    expect(result.results[0]!.status).toBe("invited");
    expect(
      await failure(
        alice.client.invitations.create.mutate({ orgId, emails: ["s2@example.com"], role: "member" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "SEAT_LIMIT" });
  });
});

describe("host-scoped identities", () => {
  it("never give host A a token acting as host B's user, whatever external id and address it names", async () => {
    const hostB = await otherHost("Host B");
    const bUser = await hostB.embed.createToken.mutate({
      externalUserId: "shared-id",
      email: "bea@b.example",
      name: "Bea",
    });
    // Same external id, same address: the address belongs to an account host A did not make.
    expect(
      await failure(
        host().embed.createToken.mutate({ externalUserId: "shared-id", email: "bea@b.example", name: "Bea" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "EMBED_LINK_REQUIRED" });
    // Same external id, another address: host A's own user, a different account.
    const aUser = await host().embed.createToken.mutate({
      externalUserId: "shared-id",
      email: "abe@a.example",
      name: "Abe",
    });
    expect(aUser.userId).not.toBe(bUser.userId);
    // Host A cannot move its user onto host B's address either.
    expect(
      await failure(
        host().embed.createToken.mutate({ externalUserId: "shared-id", email: "bea@b.example", name: "Abe" }),
      ),
    ).toMatchObject({ reason: "EMAIL_TAKEN" });
    const bea = await t.client(bUser.token).auth.me.query();
    expect(bea.user).toMatchObject({ id: bUser.userId, email: "bea@b.example", name: "Bea" });
    // Nor can it start a link on host B's user's behalf without the address's owner opening it.
    await host().embed.startLink.mutate({ externalUserId: "wants-bea", email: "bea@b.example" });
    expect(
      await failure(
        host().embed.createToken.mutate({ externalUserId: "wants-bea", email: "bea@b.example", name: "Bea" }),
      ),
    ).toMatchObject({ reason: "EMBED_LINK_REQUIRED" });
  });

  it("reach an account made in Roster only after its owner opens the emailed link", async () => {
    const direct = await verifiedPerson(t, "Gail Direct", "gail@roster.example");
    const input = { externalUserId: "u-gail", email: "gail@roster.example", name: "Someone Else" };
    expect(await failure(host().embed.createToken.mutate(input))).toMatchObject({
      reason: "EMBED_LINK_REQUIRED",
    });
    const started = await host().embed.startLink.mutate({ externalUserId: "u-gail", email: input.email });
    expect(started.sent).toBe(true);
    const token = await linkFromMail(input.email);
    expect(await t.client().embed.previewLink.query({ token })).toMatchObject({
      host: "Example host",
      email: "gail@roster.example",
    });
    // Still not linked until the owner confirms.
    expect(await failure(host().embed.createToken.mutate(input))).toMatchObject({
      reason: "EMBED_LINK_REQUIRED",
    });
    await t.client().embed.completeLink.mutate({ token });
    const linked = await host().embed.createToken.mutate(input);
    expect(linked.userId).toBe(direct.user.id);
    // The account stays its owner's: the host's name for the person does not overwrite it.
    expect((await t.client(linked.token).auth.me.query()).user).toMatchObject({
      name: "Gail Direct",
      email: "gail@roster.example",
    });
    // Their own password and sessions are untouched; the link works once.
    expect((await direct.client.auth.me.query()).user.id).toBe(direct.user.id);
    expect(await failure(t.client().embed.completeLink.mutate({ token }))).toMatchObject({
      reason: "INVALID_TOKEN",
    });
  });

  it("take an unconfirmed account from whoever made it once the address's owner opens the link", async () => {
    // Someone signs up with the host user's address and never confirms it.
    const squatter = await t.signUp("Squatter", "fern@host.example");
    const input = { externalUserId: "u-fern", email: "fern@host.example", name: "Fern" };
    expect(await failure(host().embed.createToken.mutate(input))).toMatchObject({
      reason: "EMBED_LINK_REQUIRED",
    });
    await host().embed.startLink.mutate({ externalUserId: "u-fern", email: input.email });
    await t.client().embed.completeLink.mutate({ token: await linkFromMail(input.email) });
    const { token } = await host().embed.createToken.mutate(input);
    expect((await t.client(token).auth.me.query()).user.emailVerified).toBe(true);
    // The unproven password and its sessions no longer open the now-verified account.
    expect(await failure(squatter.client.auth.me.query())).toMatchObject({ code: "UNAUTHORIZED" });
    expect(
      await failure(t.client().auth.signIn.mutate({ email: "fern@host.example", password: PASSWORD })),
    ).toMatchObject({ reason: "INVALID_CREDENTIALS" });
  });

  it("refuse a link for an external id already tied, or to an address no account uses", async () => {
    await host().embed.createToken.mutate({
      externalUserId: "u-tied",
      email: "tied@host.example",
      name: "T",
    });
    await verifiedPerson(t, "Ivo", "ivo@roster.example");
    expect(
      await failure(host().embed.startLink.mutate({ externalUserId: "u-tied", email: "ivo@roster.example" })),
    ).toMatchObject({ reason: "EXTERNAL_ID_LINKED" });
    expect(
      await failure(
        host().embed.startLink.mutate({ externalUserId: "u-new", email: "nobody@roster.example" }),
      ),
    ).toMatchObject({ reason: "USER_NOT_FOUND" });
    expect(
      await failure(
        host().embed.startLink.mutate({
          externalUserId: "u-ivo",
          email: "ivo@roster.example",
          redirectUrl: "https://evil.example/",
        }),
      ),
    ).toMatchObject({ reason: "REDIRECT_URL_NOT_ALLOWED" });
    const links = await t.database.db.selectFrom("identity_links").select("external_user_id").execute();
    expect(links.map((l) => l.external_user_id)).not.toContain("u-ivo");
  });
});

describe("scoped embed tokens", () => {
  it("without profile cannot change the address or password, list or end sessions", async () => {
    const made = await host().embed.createToken.mutate({
      externalUserId: "u-noprofile",
      email: "np@host.example",
      name: "No Profile",
    });
    expect(made.scopes).not.toContain("profile");
    const c = t.client(made.token);
    const refused = [
      () => c.auth.changeEmail.mutate({ email: "np2@host.example" }),
      () => c.auth.changePassword.mutate({ current: "x", next: "another long password" }),
      () => c.auth.revokeOtherSessions.mutate(),
      () => c.auth.revokeSession.mutate({ sessionId: "x" }),
      () => c.auth.sessions.query(),
      () => c.auth.updateProfile.mutate({ name: "Renamed" }),
      () => c.auth.resendVerification.mutate(),
    ];
    for (const call of refused) {
      expect(await failure(call())).toMatchObject({ code: "FORBIDDEN", reason: "EMBED_SCOPE_MISSING" });
    }
    const row = await t.database.db
      .selectFrom("users")
      .select(["email", "name"])
      .where("id", "=", made.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ email: "np@host.example", name: "No Profile" });
    expect(await c.auth.me.query()).toMatchObject({ user: { id: made.userId } });

    const withProfile = await host().embed.createToken.mutate({
      externalUserId: "u-noprofile",
      email: "np@host.example",
      name: "No Profile",
      scopes: ["profile"],
    });
    const sessions = await t.client(withProfile.token).auth.sessions.query();
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(await t.client(withProfile.token).auth.revokeOtherSessions.mutate()).toMatchObject({
      endedSessions: expect.any(Number),
    });
    // A profile-only token reaches nothing of the organizations.
    expect(await failure(t.client(withProfile.token).orgs.list.query())).toMatchObject({
      reason: "EMBED_SCOPE_MISSING",
    });
  });

  it("bound to one organization cannot touch another", async () => {
    const made = await host().embed.createToken.mutate({
      externalUserId: "u-bound",
      email: "bound@host.example",
      name: "Bound",
    });
    const orgs = await t.client(made.token).orgs.list.query();
    const home = orgs[0]!.id;
    const second = await t.client(made.token).orgs.create.mutate({ name: "Second Org" });
    const bound = await host().embed.createToken.mutate({
      externalUserId: "u-bound",
      email: "bound@host.example",
      name: "Bound",
      orgId: home,
    });
    const c = t.client(bound.token);
    expect((await c.orgs.get.query({ orgId: home })).id).toBe(home);
    expect((await c.members.list.query({ orgId: home })).items.length).toBeGreaterThan(0);
    for (const call of [
      () => c.orgs.get.query({ orgId: second.id }),
      () => c.members.list.query({ orgId: second.id }),
      () => c.orgs.update.mutate({ orgId: second.id, name: "Taken Over" }),
      () => c.invitations.create.mutate({ orgId: second.id, emails: ["x@host.example"], role: "member" }),
      () => c.orgs.list.query(),
      () => c.orgs.create.mutate({ name: "Third Org" }),
      () => c.invitations.mine.query(),
    ]) {
      expect(await failure(call())).toMatchObject({ code: "FORBIDDEN", reason: "EMBED_TOKEN_ORG_BOUND" });
    }
    expect((await t.client(made.token).orgs.get.query({ orgId: second.id })).name).toBe("Second Org");
  });

  it("without a scope are refused its procedures, naming the scope", async () => {
    const made = await host().embed.createToken.mutate({
      externalUserId: "u-members-only",
      email: "mo@host.example",
      name: "Members Only",
      scopes: ["members"],
    });
    const c = t.client(made.token);
    const orgId = (await c.orgs.list.query())[0]!.id;
    await c.members.list.query({ orgId });
    await c.roles.list.query({ orgId });
    const refused = await failure(
      c.invitations.create.mutate({ orgId, emails: ["z@host.example"], role: "member" }),
    );
    expect(refused).toMatchObject({ reason: "EMBED_SCOPE_MISSING" });
    expect(refused.message).toContain('"invitations"');
    expect(await failure(c.orgs.update.mutate({ orgId, name: "Nope" }))).toMatchObject({
      reason: "EMBED_SCOPE_MISSING",
    });
    const noRequests = await failure(c.joinRequests.suggestions.query());
    expect(noRequests).toMatchObject({ reason: "EMBED_SCOPE_MISSING" });
    expect(noRequests.message).toContain('"invitations"');
    const withInvitations = await host().embed.createToken.mutate({
      externalUserId: "u-members-only",
      email: "mo@host.example",
      name: "Members Only",
      scopes: ["invitations"],
    });
    expect(await t.client(withInvitations.token).joinRequests.suggestions.query()).toEqual([]);
    expect(
      await failure(
        host().embed.createToken.mutate({
          ...{ externalUserId: "x", email: "x@h.example", name: "X" },
          scopes: ["everything" as "members"],
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
  });

  it("end at once when the host revokes its user's tokens, and only that user's", async () => {
    const input = { externalUserId: "u-revoke", email: "rv@host.example", name: "Revoked" };
    const one = await host().embed.createToken.mutate(input);
    const two = await host().embed.createToken.mutate(input);
    const other = await host().embed.createToken.mutate({
      ...input,
      externalUserId: "u-keep",
      email: "keep@host.example",
    });
    // Another host naming the same external id ends nothing of this host's.
    const hostB = await otherHost("Host B revoke");
    expect(await hostB.embed.revokeTokens.mutate({ externalUserId: "u-revoke" })).toEqual({ revoked: 0 });
    await t.client(one.token).auth.me.query();
    expect(await host().embed.revokeTokens.mutate({ externalUserId: "u-revoke" })).toEqual({ revoked: 2 });
    for (const token of [one.token, two.token]) {
      expect(await failure(t.client(token).auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    }
    expect((await t.client(other.token).auth.me.query()).user.id).toBe(other.userId);
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    fetch(`${t.url}/trpc/members.list`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });

  it("allows configured origins to call with a bearer token", async () => {
    const res = await preflight("http://host.example:5173");
    expect(res.headers.get("access-control-allow-origin")).toBe("http://host.example:5173");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("gives other origins no CORS grant", async () => {
    const res = await preflight("https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
