import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DISABLE_AFTER_FAILURES,
  deliverWebhook,
  signatureHeader,
  WEBHOOK_TIMEOUT_MS,
} from "../src/domain/webhook-delivery.js";
import { MAX_ENDPOINTS_PER_ORG } from "../src/domain/webhook-endpoints.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";
import { type Receiver, startReceiver, verifySignature } from "./webhook-receiver.js";

let t: TestServer;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t?.close();
});

async function receiver(options: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

const MEMBER_EVENTS = [
  "invitation.created",
  "membership.joined",
  "membership.role_changed",
  "membership.deactivated",
  "membership.reactivated",
  "membership.removed",
] as const;

async function orgWithOwner(name: string): Promise<{ owner: SignedUpPerson; orgId: string }> {
  const owner = await verifiedPerson(t, name);
  return { owner, orgId: await personalOrg(owner) };
}

describe("managed user management", () => {
  it("lets a receiver build the set of active accounts from signed member events", async () => {
    const { owner, orgId } = await orgWithOwner("Wanda Hooks");
    const secret = "whsec_receiver-shared-secret-0001";
    const rx = await receiver({ secret, now: t.clock });
    const { endpoint, secret: shown } = await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: [...MEMBER_EVENTS],
      secret,
    });
    expect(shown).toBe(secret);
    expect(endpoint).toMatchObject({ url: rx.url, status: "active", consecutiveFailures: 0 });

    const bob = await verifiedPerson(t, "Bob Hooks");
    const carol = await verifiedPerson(t, "Carol Hooks");
    const dave = await verifiedPerson(t, "Dave Hooks");
    await addMember(t, owner, orgId, bob);
    await addMember(t, owner, orgId, carol);
    await addMember(t, owner, orgId, dave);
    await owner.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    await owner.client.members.deactivate.mutate({ orgId, userId: bob.user.id });
    await owner.client.members.deactivate.mutate({ orgId, userId: carol.user.id });
    await owner.client.members.reactivate.mutate({ orgId, userId: bob.user.id });
    await owner.client.members.remove.mutate({ orgId, userIds: [carol.user.id] });
    await dave.client.members.leave.mutate({ orgId });
    await t.deliver();

    expect(rx.received.every((h) => h.verified)).toBe(true);
    expect(rx.received.map((h) => h.event)).toEqual([
      "invitation.created",
      "membership.joined",
      "invitation.created",
      "membership.joined",
      "invitation.created",
      "membership.joined",
      "membership.role_changed",
      "membership.deactivated",
      "membership.deactivated",
      "membership.reactivated",
      "membership.removed",
      "membership.removed",
    ]);
    // The headers agree with the body, and each delivery has its own id.
    for (const h of rx.received) {
      expect(h.payload.type).toBe(h.event);
      expect(h.payload.organization.id).toBe(orgId);
    }
    expect(new Set(rx.received.map((h) => h.deliveryId)).size).toBe(rx.received.length);

    // What a product does with them: create an account on join, block it on deactivate/remove.
    const accounts = new Map<string, "active" | "blocked">();
    for (const { payload } of rx.received) {
      const member = payload.data.member as { email: string } | undefined;
      if (!member) continue;
      if (payload.type === "membership.joined" || payload.type === "membership.reactivated")
        accounts.set(member.email, "active");
      if (payload.type === "membership.deactivated" || payload.type === "membership.removed")
        accounts.set(member.email, "blocked");
    }
    expect(Object.fromEntries(accounts)).toEqual({
      [bob.email]: "active",
      [carol.email]: "blocked",
      [dave.email]: "blocked",
    });
    const left = rx.received.at(-1)!.payload;
    expect(left).toMatchObject({
      type: "membership.removed",
      actor: { userId: dave.user.id },
      target: { type: "user", id: dave.user.id },
      data: { left: true, member: { userId: dave.user.id, email: dave.email, serviceAccount: false } },
    });
    const invited = rx.received[0]!.payload;
    expect(invited.data).toMatchObject({ invitation: { email: bob.email, role: "member" } });

    const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
    expect(log.items).toHaveLength(12);
    expect(log.items.every((d) => d.ok && d.statusCode === 200 && d.attempt === 1)).toBe(true);
  });

  it("sends only the events an endpoint chose, and nothing for a change that rolls back", async () => {
    const { owner, orgId } = await orgWithOwner("Olga Choose");
    const rx = await receiver({ secret: "whsec_only-joined-events-000001", now: t.clock });
    await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["membership.joined"],
      secret: "whsec_only-joined-events-000001",
    });
    const pat = await verifiedPerson(t, "Pat Choose");
    await addMember(t, owner, orgId, pat);
    // Refused (last owner): rolled back, so its audit entry and its webhook never exist.
    expect(
      await failure(owner.client.members.updateRole.mutate({ orgId, userId: owner.user.id, role: "admin" })),
    ).toMatchObject({ reason: "LAST_OWNER" });
    await t.deliver();
    expect(rx.received.map((h) => h.event)).toEqual(["membership.joined"]);
    const outbox = await t.database.db
      .selectFrom("outbox")
      .select("payload")
      .where("kind", "=", "webhook")
      .where(sql<string>`payload->>'orgId'`, "=", orgId)
      .execute();
    expect(outbox).toHaveLength(1);
  });
});

describe("delivery", () => {
  it("retries a failed delivery with backoff, with the same delivery id, and logs each attempt", async () => {
    const { owner, orgId } = await orgWithOwner("Rita Retry");
    const secret = "whsec_retry-secret-0000000000001";
    const rx = await receiver({ secret, now: t.clock, respond: (n) => (n === 1 ? 500 : 200) });
    const { endpoint } = await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["resource.created"],
      secret,
    });
    const resource = await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "r1" });
    await t.deliver();
    expect(rx.received.map((h) => h.status)).toEqual([500]);
    let log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
    expect(log.items).toMatchObject([
      {
        attempt: 1,
        ok: false,
        statusCode: 500,
        error: "The endpoint answered HTTP 500.",
        eventType: "resource.created",
      },
    ]);
    expect(
      (await owner.client.webhooks.get.query({ orgId, endpointId: endpoint.id })).consecutiveFailures,
    ).toBe(1);

    // Not due yet: the first retry waits 5 seconds.
    expect(await t.deliver()).toBe(0);
    t.clock.advance(4);
    expect(await t.deliver()).toBe(0);
    t.clock.advance(2);
    expect(await t.deliver()).toBe(1);
    expect(rx.received.map((h) => h.status)).toEqual([500, 200]);
    expect(rx.received[1]!.deliveryId).toBe(rx.received[0]!.deliveryId);
    expect(rx.received[1]!.payload.id).toBe(rx.received[0]!.payload.id);
    // Signed again at the time of the retry.
    expect(rx.received[1]!.timestamp).toBeGreaterThan(rx.received[0]!.timestamp);
    expect(rx.received[1]!.payload.data.resource).toMatchObject({
      id: resource.id,
      name: "r1",
      state: "running",
    });

    log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
    expect(log.items.map((d) => [d.attempt, d.ok, d.statusCode])).toEqual([
      [2, true, 200],
      [1, false, 500],
    ]);
    expect(log.items.every((d) => d.durationMs >= 0)).toBe(true);
    expect(
      (await owner.client.webhooks.get.query({ orgId, endpointId: endpoint.id })).consecutiveFailures,
    ).toBe(0);
  });

  it(`disables an endpoint after ${DISABLE_AFTER_FAILURES} failed deliveries in a row, and enables it again`, async () => {
    const { owner, orgId } = await orgWithOwner("Dina Disable");
    const secret = "whsec_always-failing-0000000001";
    let healthy = false;
    const rx = await receiver({ secret, now: t.clock, respond: () => (healthy ? 204 : 503) });
    const { endpoint } = await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["resource.created", "resource.deleted"],
      secret,
    });
    for (let i = 0; i < DISABLE_AFTER_FAILURES; i++) {
      await owner.client.resources.register.mutate({ orgId, type: "cluster", name: `c${i}` });
    }
    await t.deliver();
    expect(rx.received).toHaveLength(DISABLE_AFTER_FAILURES);
    const disabled = await owner.client.webhooks.get.query({ orgId, endpointId: endpoint.id });
    expect(disabled).toMatchObject({ status: "disabled", consecutiveFailures: DISABLE_AFTER_FAILURES });
    expect(disabled.disabledReason).toBe(
      `Disabled after ${DISABLE_AFTER_FAILURES} failed deliveries in a row. Last error: The endpoint answered HTTP 503.`,
    );
    const audit = await owner.client.audit.list.query({ orgId, action: "webhook.disabled" });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actor: null, targetId: endpoint.id });

    // While disabled nothing new is queued, and due retries are dropped (and logged as not sent).
    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "while-disabled" });
    t.clock.advance(10);
    await t.deliver();
    expect(rx.received).toHaveLength(DISABLE_AFTER_FAILURES);
    const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id, limit: 100 });
    expect(log.items.filter((d) => d.error === "Not sent: the endpoint is disabled.")).toHaveLength(
      DISABLE_AFTER_FAILURES,
    );

    // A test event is sent even to a disabled endpoint, to check a fix before enabling it again.
    healthy = true;
    const test = await owner.client.webhooks.sendTest.mutate({ orgId, endpointId: endpoint.id });
    await t.deliver();
    expect(rx.received.at(-1)).toMatchObject({ event: "webhook.test", verified: true, status: 204 });
    expect(rx.received.at(-1)!.payload.id).toBe(test.eventId);
    expect(rx.received.at(-1)!.deliveryId).toBe(test.deliveryId);
    expect((await owner.client.webhooks.get.query({ orgId, endpointId: endpoint.id })).status).toBe(
      "disabled",
    );

    const enabled = await owner.client.webhooks.update.mutate({
      orgId,
      endpointId: endpoint.id,
      enabled: true,
    });
    expect(enabled).toMatchObject({ status: "active", consecutiveFailures: 0, disabledReason: null });
    const list = await owner.client.resources.list.query({ orgId, limit: 1 });
    await owner.client.resources.delete.mutate({ orgId, resourceId: list.items[0]!.id });
    await t.deliver();
    expect(rx.received.at(-1)).toMatchObject({ event: "resource.deleted", status: 204 });
  });

  it("gives up on an endpoint that does not answer within the timeout, and logs why", async () => {
    const { owner, orgId } = await orgWithOwner("Tess Timeout");
    const secret = "whsec_hanging-receiver-00000001";
    const rx = await receiver({ secret, now: t.clock, respond: () => "hang" });
    const { endpoint } = await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["resource.created"],
      secret,
    });
    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "slow" });
    const message = await t.database.db
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "webhook")
      .where("status", "=", "pending")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(WEBHOOK_TIMEOUT_MS).toBe(10_000);
    // The production timeout is 10 s; the same code path with 300 ms keeps this test short.
    await expect(
      deliverWebhook(t.server.deps, { ...message, attempts: 1 }, { timeoutMs: 300 }),
    ).rejects.toThrow("No answer within 0.3 s.");
    expect(rx.received).toHaveLength(1);
    const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
    expect(log.items[0]).toMatchObject({ ok: false, statusCode: null, error: "No answer within 0.3 s." });
    expect(log.items[0]!.durationMs).toBeGreaterThanOrEqual(250);
    // Its queued retry goes with the endpoint.
    await owner.client.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
  });

  it("logs an endpoint that cannot be reached", async () => {
    const { owner, orgId } = await orgWithOwner("Una Unreachable");
    const rx = await receiver({ secret: "whsec_closed-port-000000000001", now: t.clock });
    const url = rx.url;
    await rx.close();
    const { endpoint } = await owner.client.webhooks.create.mutate({
      orgId,
      url,
      events: ["resource.created"],
    });
    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "nowhere" });
    await t.deliver();
    const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
    expect(log.items[0]).toMatchObject({ ok: false, statusCode: null });
    expect(log.items[0]!.error).toBe("Could not connect to the endpoint.");
    await owner.client.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
  });
});

describe("endpoints and secrets", () => {
  it("shows a generated secret once, keeps only its ciphertext, and signs with the rotated one", async () => {
    const { owner, orgId } = await orgWithOwner("Sally Secret");
    let current = "";
    const rx = await receiver({ secret: "unset", now: t.clock });
    const created = await owner.client.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["resource.created"],
      description: "Cluster accounts",
    });
    current = created.secret;
    expect(current).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    rx.setSecret(current);

    const reads = JSON.stringify([
      await owner.client.webhooks.list.query({ orgId }),
      await owner.client.webhooks.get.query({ orgId, endpointId: created.endpoint.id }),
      await owner.client.audit.list.query({ orgId }),
    ]);
    expect(reads).not.toContain(current);
    expect(reads).not.toContain(current.slice(6));
    const row = await t.database.db
      .selectFrom("webhook_endpoints")
      .select("secret_sealed")
      .where("id", "=", created.endpoint.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(current.slice(6));
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(t.server.deps.sealer.open(row.secret_sealed)).toBe(current);

    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "before rotation" });
    await t.deliver();
    const rotated = await owner.client.webhooks.rotateSecret.mutate({
      orgId,
      endpointId: created.endpoint.id,
    });
    expect(rotated.secret).not.toBe(current);
    await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "after rotation" });
    await t.deliver();
    // The receiver still holds the old secret: the new signature does not verify with it…
    expect(rx.received.map((h) => h.verified)).toEqual([true, false]);
    // …and does with the new one.
    const last = rx.received[1]!;
    expect(verifySignature(last.signature, last.body, rotated.secret, t.clock()).ok).toBe(true);
    expect(last.signature).toBe(signatureHeader(rotated.secret, last.timestamp, last.body));
  });

  it("validates endpoints and needs webhooks:manage", async () => {
    const { owner, orgId } = await orgWithOwner("Vic Validate");
    const admin = await verifiedPerson(t, "Ada Validate");
    const member = await verifiedPerson(t, "Mel Validate");
    await addMember(t, owner, orgId, admin, "admin");
    await addMember(t, owner, orgId, member, "member");
    expect(
      await failure(
        owner.client.webhooks.create.mutate({
          orgId,
          url: "ftp://example.com/x",
          events: ["membership.joined"],
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
    expect(
      await failure(
        owner.client.webhooks.create.mutate({
          orgId,
          url: "https://example.com/x",
          events: ["member.exploded" as never],
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
    expect(
      await failure(owner.client.webhooks.create.mutate({ orgId, url: "https://example.com/x", events: [] })),
    ).toMatchObject({
      reason: "VALIDATION",
      message: "Choose at least one event to send.",
      issues: [{ path: ["events"], message: "Choose at least one event to send." }],
    });
    expect(
      await failure(
        owner.client.webhooks.create.mutate({
          orgId,
          url: "https://user:pw@example.com/x",
          events: ["membership.joined"],
        }),
      ),
    ).toMatchObject({ reason: "INVALID_WEBHOOK_URL" });
    expect(await failure(member.client.webhooks.list.query({ orgId }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    const { endpoint } = await admin.client.webhooks.create.mutate({
      orgId,
      url: "https://example.com/hooks",
      events: ["membership.joined"],
    });
    await admin.client.webhooks.update.mutate({
      orgId,
      endpointId: endpoint.id,
      events: ["membership.removed"],
    });
    expect((await admin.client.webhooks.get.query({ orgId, endpointId: endpoint.id })).events).toEqual([
      "membership.removed",
    ]);
    await admin.client.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    expect(await failure(admin.client.webhooks.get.query({ orgId, endpointId: endpoint.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "WEBHOOK_NOT_FOUND",
    });
    const actions = (await owner.client.audit.list.query({ orgId })).items.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["webhook.created", "webhook.updated", "webhook.deleted"]),
    );
  });

  it(`keeps an organization to ${MAX_ENDPOINTS_PER_ORG} endpoints, also when they are created at once`, async () => {
    const { owner, orgId } = await orgWithOwner("Lena Limit");
    const create = (n: number) =>
      owner.client.webhooks.create.mutate({
        orgId,
        url: `https://hooks.example.com/limit/${n}`,
        events: ["membership.joined"],
      });
    for (let n = 0; n < MAX_ENDPOINTS_PER_ORG - 2; n += 1) await create(n);
    const results = await Promise.allSettled([100, 101, 102, 103, 104, 105].map(create));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const refused = results.find((r) => r.status === "rejected");
    expect(await failure(Promise.reject(refused?.reason))).toMatchObject({
      code: "CONFLICT",
      reason: "WEBHOOK_LIMIT",
      message: `An organization can have at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints. Delete one you no longer use, or subscribe an existing one to more events.`,
    });
    expect(await owner.client.webhooks.list.query({ orgId })).toHaveLength(MAX_ENDPOINTS_PER_ORG);
    expect(await failure(create(200))).toMatchObject({ reason: "WEBHOOK_LIMIT" });
    // Deleting one makes room again.
    const [first] = await owner.client.webhooks.list.query({ orgId });
    await owner.client.webhooks.delete.mutate({ orgId, endpointId: first!.id });
    await create(201);
  });

  it("refuses private and non-https URLs in production", async () => {
    const prod = await startTestServer({
      NODE_ENV: "production",
      SMTP_URL: "smtp://127.0.0.1:1",
      PUBLIC_URL: "https://roster.test",
    });
    try {
      const owner = await prod.signUp("Petra Prod");
      const orgId = (await owner.client.orgs.list.query())[0]!.id;
      for (const url of [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://[::1]/x",
      ]) {
        expect(
          await failure(owner.client.webhooks.create.mutate({ orgId, url, events: ["membership.joined"] })),
          url,
        ).toMatchObject({ reason: "INVALID_WEBHOOK_URL" });
      }
      await owner.client.webhooks.create.mutate({
        orgId,
        url: "https://hooks.example.com/x",
        events: ["membership.joined"],
      });
    } finally {
      await prod.close();
    }
  });
});
