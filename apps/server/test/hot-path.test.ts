import { createDb, type RosterDb } from "@roster/db";
import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWireCounter, type WireCounter } from "../bench/pg-wire.mjs";
import { type RunningServer, startServer } from "../src/server.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/**
 * The request path: an organization call reads session, membership and permissions in one
 * statement, and what it reads is the database's now — a change made through another instance
 * shows on the very next request.
 */
describe("an organization call", () => {
  let t: TestServer;
  let counter: WireCounter;
  let counted: { server: RunningServer; database: RosterDb };
  let owner: SignedUpPerson;
  let bob: SignedUpPerson;
  let orgId: string;
  /** Bob's client on the second instance, whose statements are counted on the wire. */
  let bobThere: ReturnType<TestServer["client"]>;

  beforeAll(async () => {
    t = await startTestServer();
    const url = new URL(t.database.url);
    counter = await startWireCounter({ targetHost: url.hostname, targetPort: Number(url.port) });
    url.port = String(counter.port);
    const database = await createDb({ url: url.toString(), onPoolError: () => {} });
    const server = await startServer({ config: t.config, database, clock: t.clock, runWorker: false });
    counted = { server, database };
    owner = await verifiedPerson(t, "Olga");
    bob = await verifiedPerson(t, "Bob");
    orgId = await personalOrg(owner);
    await addMember(t, owner, orgId, bob, "viewer");
    bobThere = createRosterClient({ url: server.url, token: bob.token });
  }, 120_000);
  afterAll(async () => {
    await counted?.server.close();
    await counted?.database.close();
    await counter?.close();
    await t?.close();
  });

  /** Statements and round trips of `n` calls, after one that warms the connection up. */
  async function wire(call: () => Promise<unknown>, n = 5) {
    await call();
    await counted.server.settle();
    counter.reset();
    for (let i = 0; i < n; i++) await call();
    await counted.server.settle();
    const { roundTrips, statements } = counter.snapshot();
    return { roundTrips: roundTrips / n, statements: statements / n };
  }

  it("reads session, membership and permissions in one statement", async () => {
    expect(await wire(() => bobThere.orgs.permissions.query({ orgId }))).toEqual({
      roundTrips: 1,
      statements: 1,
    });
    expect(await wire(() => bobThere.auth.me.query())).toEqual({ roundTrips: 1, statements: 1 });
    // The page itself is the second.
    expect(await wire(() => bobThere.members.list.query({ orgId }))).toEqual({
      roundTrips: 2,
      statements: 2,
    });
  });

  it("sees a role change, a deactivation and a removal on the very next request", async () => {
    const mine = () => bobThere.orgs.permissions.query({ orgId });
    expect(await mine()).toMatchObject({ role: "viewer" });
    expect((await mine()).permissions).not.toContain("members:invite");

    await owner.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    expect(await mine()).toMatchObject({ role: "admin" });
    expect((await mine()).permissions).toContain("members:invite");

    await owner.client.members.deactivate.mutate({ orgId, userId: bob.user.id });
    expect(await failure(mine())).toMatchObject({ reason: "MEMBERSHIP_DEACTIVATED" });
    await owner.client.members.reactivate.mutate({ orgId, userId: bob.user.id });
    expect(await mine()).toMatchObject({ role: "admin" });

    await owner.client.members.remove.mutate({ orgId, userIds: [bob.user.id] });
    expect(await failure(mine())).toMatchObject({ reason: "ORG_NOT_FOUND" });
  });

  it("checks each organization of a batch on its own", async () => {
    const carol = await verifiedPerson(t, "Carol");
    const carolsOrg = await personalOrg(carol);
    const bobsOrg = await personalOrg(bob);
    await addMember(t, owner, orgId, carol, "viewer");
    // One HTTP request each: the SDK batches the calls a client makes together. The membership
    // read with the session is the first call's organization's; the others are read on their own.
    const [there, hers] = await Promise.allSettled([
      carol.client.orgs.permissions.query({ orgId }),
      carol.client.orgs.permissions.query({ orgId: carolsOrg }),
    ]);
    expect(there).toMatchObject({ status: "fulfilled", value: { role: "viewer" } });
    expect(hers).toMatchObject({ status: "fulfilled", value: { role: "owner" } });

    const [notHers, stillHers] = await Promise.allSettled([
      carol.client.orgs.permissions.query({ orgId: bobsOrg }),
      carol.client.orgs.permissions.query({ orgId: carolsOrg }),
    ]);
    expect(notHers).toMatchObject({ status: "rejected", reason: { data: { reason: "ORG_NOT_FOUND" } } });
    expect(stillHers).toMatchObject({ status: "fulfilled", value: { role: "owner" } });
  });
});

describe("the /trpc endpoint", () => {
  let t: TestServer;
  const allowed = "https://app.example.com";
  beforeAll(async () => {
    t = await startTestServer({ ALLOWED_ORIGINS: allowed });
  });
  afterAll(() => t?.close());

  it("answers a preflight from an allowed origin, and gives other origins nothing to read", async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/trpc/auth.me`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const yes = await preflight(allowed);
    expect(yes.status).toBe(204);
    expect(yes.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(yes.headers.get("access-control-allow-credentials")).toBe("true");
    expect(yes.headers.get("access-control-allow-methods")).toContain("POST");
    expect(yes.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(yes.headers.get("access-control-max-age")).toBe("600");
    const no = await preflight("https://evil.example.com");
    expect(no.headers.get("access-control-allow-origin")).toBeNull();

    const answer = await fetch(`${t.url}/trpc/auth.me`, {
      headers: { origin: allowed, "x-request-id": "req-42" },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(answer.headers.get("access-control-expose-headers")).toBe("X-Request-Id");
    expect(answer.headers.get("x-request-id")).toBe("req-42");
    expect(answer.headers.get("vary")).toMatch(/trpc-accept.*Origin/);
  });

  it("streams a batch as JSON Lines to a client that asks for them", async () => {
    const alice = await t.signUp("Alice");
    const input = encodeURIComponent(JSON.stringify({ 0: {}, 1: {} }));
    const res = await fetch(`${t.url}/trpc/auth.me,orgs.list?batch=1&input=${input}`, {
      headers: { authorization: `Bearer ${alice.token}`, "trpc-accept": "application/jsonl" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(text).toContain(alice.user.id);
    expect(text.trim().split("\n").length).toBeGreaterThan(1);
  });

  it("answers HEAD with no body and a body that is not JSON with a refusal, not a failure", async () => {
    const head = await fetch(`${t.url}/trpc/auth.me`, { method: "HEAD" });
    expect(head.status).toBe(204);
    const form = await fetch(`${t.url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "email=a",
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
    const garbled = await fetch(`${t.url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(garbled.status).toBe(400);
  });
});
