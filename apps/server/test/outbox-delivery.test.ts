import { createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { type RosterOptions, type RunningServer, startServer } from "../src/server.js";
import { linkToken, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

/** One more Roster instance on `database`, with its outbox worker running. */
async function instance(
  database: TestDatabase,
  options: Partial<RosterOptions> = {},
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://roster.test",
    SECRET_KEY: "test-secret-key-that-is-long-enough-000",
    LOG_LEVEL: "silent",
    ...env,
  });
  return startServer({ config, database, outboxPollMs: 50, ...options });
}

/** Endpoints that accept connections and never answer. */
async function hangingEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hang`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("email and webhooks in separate lanes", () => {
  let database: TestDatabase;
  let roster: RunningServer;
  const hanging: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    roster = await instance(database);
  });
  afterAll(async () => {
    await Promise.all(hanging.map((h) => h.close()));
    await roster?.close();
    await database?.drop();
  });

  it("delivers another organization's verification email at once while webhooks hang", async () => {
    const client = createRosterClient({ url: roster.url });
    const owner = await client.auth.signUp.mutate({
      email: "hang.owner@example.com",
      password: PASSWORD,
      name: "Hang",
    });
    const ownerClient = createRosterClient({ url: roster.url, token: owner.token });
    const orgId = (await ownerClient.orgs.list.query())[0]!.id;
    for (let n = 0; n < 6; n += 1) {
      const endpoint = await hangingEndpoint();
      hanging.push(endpoint);
      await ownerClient.webhooks.create.mutate({ orgId, url: endpoint.url, events: ["resource.created"] });
    }
    for (let n = 0; n < 3; n += 1) {
      await ownerClient.resources.register.mutate({ orgId, type: "cluster", name: `c${n}` });
    }
    // Let the worker start on the webhooks first.
    await sleep(300);
    const inFlight = await database.db
      .selectFrom("outbox")
      .select("id")
      .where("kind", "=", "webhook")
      .where("status", "=", "pending")
      .where("attempts", ">", 0)
      .execute();
    expect(inFlight.length).toBeGreaterThanOrEqual(6);

    const started = Date.now();
    await client.auth.signUp.mutate({ email: "other.org@example.com", password: PASSWORD, name: "Other" });
    for (;;) {
      const mail = await database.db
        .selectFrom("dev_mailbox")
        .select("subject")
        .where("to", "=", "other.org@example.com")
        .execute();
      if (mail.length > 0) break;
      if (Date.now() - started > 5000) throw new Error("the verification email did not arrive within 5 s");
      await sleep(20);
    }
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(2000);
  });
});

describe("links in emails", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("are kept sealed until sent and dropped afterwards: no table but the dev mailbox holds a token", async () => {
    const owner = await verifiedPerson(t, "Seal Owner");
    const orgId = await personalOrg(owner);
    await t.client().auth.requestPasswordReset.mutate({ email: owner.email });
    await owner.client.invitations.create.mutate({
      orgId,
      emails: ["sealed.invitee@example.com"],
      role: "member",
    });

    // Queued, not yet sent: the body is sealed.
    const queued = await t.database.db
      .selectFrom("outbox")
      .select("payload")
      .where("kind", "=", "email")
      .where("status", "=", "pending")
      .execute();
    expect(queued.length).toBe(2);
    for (const { payload } of queued) {
      expect(Object.keys(payload).sort()).toEqual(["sealed", "subject", "to"]);
      expect(JSON.stringify(payload)).not.toMatch(/roster\.test/);
    }

    await t.deliver();
    const mails = [...(await t.mailTo(owner.email)), ...(await t.mailTo("sealed.invitee@example.com"))];
    const tokens = [
      linkToken(mails.find((m) => m.subject === "Confirm your email address")!.text, "/verify-email/"),
      linkToken(mails.find((m) => m.subject === "Reset your password")!.text, "/reset-password/"),
      linkToken(mails.find((m) => m.text.includes("/invite/"))!.text, "/invite/"),
    ];
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'dev_mailbox'`.execute(
      t.database.db,
    );
    expect(tables.rows.length).toBeGreaterThan(20);
    for (const token of tokens) {
      for (const { table_name } of tables.rows) {
        const found = await sql<{ n: string }>`
          select count(*) as n from ${sql.table(table_name)} as r where r::text like ${`%${token}%`}`.execute(
          t.database.db,
        );
        expect(Number(found.rows[0]!.n), `${table_name} holds a live token`).toBe(0);
      }
    }
    const sent = await t.database.db
      .selectFrom("outbox")
      .select("payload")
      .where("kind", "=", "email")
      .execute();
    for (const { payload } of sent) expect(Object.keys(payload).sort()).toEqual(["subject", "to"]);
  });
});

describe("two instances and a send slower than the lease", () => {
  let database: TestDatabase;
  const instances: RunningServer[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await database?.drop();
  });

  it("sends each webhook exactly once", async () => {
    const { startReceiver } = await import("./webhook-receiver.js");
    const secret = "whsec_slow-receiver-lease-000001";
    // Real time: a 1 s lease, and a receiver that takes 2.5 s to answer each request.
    const rx = await startReceiver({ secret, now: () => new Date(), respond: () => 200 });
    const slow = await import("node:http");
    const proxy = slow.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        setTimeout(() => {
          const forward = slow.request(rx.url, { method: "POST", headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 500).end();
            answer.resume();
          });
          forward.on("error", () => res.destroy());
          forward.end(Buffer.concat(chunks));
        }, 2500);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()));
    const port = (proxy.address() as { port: number }).port;
    try {
      const outbox = { leaseSeconds: 1, heartbeatMs: 200 };
      instances.push(await instance(database, { outbox }), await instance(database, { outbox }));
      const client = createRosterClient({ url: instances[0]!.url });
      const owner = await client.auth.signUp.mutate({
        email: "lease.owner@example.com",
        password: PASSWORD,
        name: "Lease",
      });
      const ownerClient = createRosterClient({ url: instances[0]!.url, token: owner.token });
      const orgId = (await ownerClient.orgs.list.query())[0]!.id;
      await ownerClient.webhooks.create.mutate({
        orgId,
        url: `http://127.0.0.1:${port}/slow`,
        events: ["resource.created"],
        secret,
      });
      for (let n = 0; n < 3; n += 1) {
        await ownerClient.resources.register.mutate({ orgId, type: "cluster", name: `c${n}` });
      }
      const until = Date.now() + 20_000;
      for (;;) {
        const left = await database.db
          .selectFrom("outbox")
          .select("id")
          .where("kind", "=", "webhook")
          .where("status", "<>", "sent")
          .execute();
        if (left.length === 0) break;
        if (Date.now() > until) throw new Error("webhooks not delivered in time");
        await sleep(100);
      }
      // Long enough for a second copy of the last one, had another instance sent it too.
      await sleep(3000);
      const ids = rx.received.map((h) => h.deliveryId);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
      expect(rx.received.every((h) => h.verified)).toBe(true);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await rx.close();
    }
  }, 30_000);
});

describe("two instances under load", () => {
  let database: TestDatabase;
  const instances: RunningServer[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await database?.drop();
  });

  it("deliver every event and email exactly once while the receiver fails, then recovers", async () => {
    const { testClock } = await import("./helpers.js");
    const { startReceiver } = await import("./webhook-receiver.js");
    const clock = testClock();
    const secret = "whsec_failing-then-fine-receiver-01";
    // The receiver answers 500 to its first eight requests, then 200.
    const rx = await startReceiver({ secret, now: clock, respond: (n) => (n <= 8 ? 500 : 200) });
    try {
      const env = { SIGN_UPS_PER_IP_PER_HOUR: "1000" };
      // A lease far longer than the clock's jumps: only the claim decides who sends.
      const outbox = { leaseSeconds: 24 * 3600 };
      instances.push(
        await instance(database, { clock, outbox }, env),
        await instance(database, { clock, outbox }, env),
      );
      const [a, b] = instances.map((i) => i.url) as [string, string];
      const owner = await createRosterClient({ url: a }).auth.signUp.mutate({
        email: "busy.owner@example.com",
        password: PASSWORD,
        name: "Busy",
      });
      const on = (url: string) => createRosterClient({ url, token: owner.token });
      const orgId = (await on(a).orgs.list.query())[0]!.id;
      await on(a).webhooks.create.mutate({
        orgId,
        url: `${rx.url}/hooks`,
        events: ["resource.created"],
        secret,
      });
      // Changes arrive through both instances at once, each making a webhook or an email.
      await Promise.all([
        ...Array.from({ length: 12 }, (_, n) =>
          on(n % 2 ? a : b).resources.register.mutate({ orgId, type: "cluster", name: `busy-${n}` }),
        ),
        ...Array.from({ length: 6 }, (_, n) =>
          createRosterClient({ url: n % 2 ? a : b }).auth.signUp.mutate({
            email: `busy.${n}@example.com`,
            password: PASSWORD,
            name: `Busy ${n}`,
          }),
        ),
      ]);
      const until = Date.now() + 45_000;
      for (;;) {
        const left = await database.db
          .selectFrom("outbox")
          .select("id")
          .where("status", "<>", "sent")
          .execute();
        if (left.length === 0) break;
        if (Date.now() > until) throw new Error(`${left.length} messages not delivered in time`);
        // Retries are due by the shared clock, not by waiting for real backoff.
        clock.advance(60);
        for (const i of instances) i.worker.wake();
        await sleep(100);
      }
      await sleep(1000);
      const delivered = rx.received.filter((h) => h.status === 200);
      expect(rx.received.filter((h) => h.status === 500)).toHaveLength(8);
      expect(delivered).toHaveLength(12);
      expect(new Set(delivered.map((h) => h.deliveryId)).size).toBe(12);
      expect(new Set(delivered.map((h) => h.payload.target?.id)).size).toBe(12);
      expect(delivered.every((h) => h.verified)).toBe(true);
      const mail = await database.db.selectFrom("dev_mailbox").select("to").execute();
      expect(mail.map((m) => m.to).sort()).toEqual(
        ["busy.owner@example.com", ...Array.from({ length: 6 }, (_, n) => `busy.${n}@example.com`)].sort(),
      );
    } finally {
      await rx.close();
    }
  }, 90_000);
});
