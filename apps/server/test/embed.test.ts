import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostApiKey, revokeHostApiKey } from "../src/auth/host-keys.js";
import { failure, startTestServer, type TestServer } from "./helpers.js";
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

  it("take an unconfirmed account from whoever made it when the host vouches for the address", async () => {
    // Someone signs up with the host user's address and never confirms it.
    const squatter = await t.signUp("Squatter", "fern@host.example");
    const { token } = await host().embed.createToken.mutate({
      externalUserId: "u-fern",
      email: "fern@host.example",
      name: "Fern",
    });
    expect((await t.client(token).auth.me.query()).user.emailVerified).toBe(true);
    // The unproven password and its sessions no longer open the now-verified account.
    expect(await failure(squatter.client.auth.me.query())).toMatchObject({ code: "UNAUTHORIZED" });
    expect(
      await failure(
        t.client().auth.signIn.mutate({ email: "fern@host.example", password: squatter.password }),
      ),
    ).toMatchObject({ reason: "INVALID_CREDENTIALS" });
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
