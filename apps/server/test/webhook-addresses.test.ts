import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostResolver, isSpecialUseAddress } from "../src/outbox/addresses.js";
import { BLOCKED_ADDRESS_ERROR, CONNECT_ERROR } from "../src/outbox/post.js";
import { failure, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";
import { startReceiver } from "./webhook-receiver.js";

describe("the address classifier", () => {
  const blocked = [
    // IPv4: this network, private, shared (CGNAT), loopback, link-local, IETF, documentation,
    // 6to4 relay, benchmarking, multicast, reserved, broadcast.
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.1.2.3",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    // IPv6: unspecified, loopback, IPv4-compatible, discard, unique local, link-local, site-local,
    // multicast, documentation, benchmarking, Teredo, ORCHID, SRv6, NAT64 local-use.
    "::",
    "::1",
    "::127.0.0.1",
    "::a00:1",
    "100::1",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "fec0::1",
    "feff::1",
    "ff02::1",
    "ff05::1:3",
    "2001:db8::1",
    "3fff::1",
    "2001:2::1",
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:10::1",
    "2001:20::1",
    "5f00::1",
    "64:ff9b:1::808:808",
    // IPv4 carried in IPv6: mapped, translated, NAT64 and 6to4 with an internal address inside.
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:7f00:1",
    "::ffff:0:127.0.0.1",
    "::ffff:0:192.168.0.1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::a00:1",
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "2002:a9fe:a9fe::",
    // Not an address at all.
    "example.com",
    "",
    "1.2.3",
    "[::1]",
  ];
  const allowed = [
    "1.1.1.1",
    "8.8.8.8",
    "11.0.0.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.1",
    "172.15.255.255",
    "172.32.0.1",
    "192.169.0.1",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.254",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:800::200e",
    "::ffff:8.8.8.8",
    "::ffff:0:8.8.4.4",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "[2606:4700:4700::1111]",
  ];

  it.each(blocked)("refuses %s", (ip) => {
    expect(isSpecialUseAddress(ip)).toBe(true);
  });
  it.each(allowed)("allows %s", (ip) => {
    expect(isSpecialUseAddress(ip)).toBe(false);
  });
});

/** A TCP listener that counts connections: proof that a refused delivery never connected. */
async function tcpListener(): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("webhook delivery in production", () => {
  // A DNS of our own: what each name resolves to right now.
  const dns = new Map<string, string[]>();
  const resolveHost: HostResolver = async (hostname) => {
    const answers = dns.get(hostname);
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  let prod: TestServer;
  beforeAll(async () => {
    prod = await startTestServer(
      { NODE_ENV: "production", SMTP_URL: "smtp://127.0.0.1:1", PUBLIC_URL: "https://roster.test" },
      { resolveHost },
    );
  });
  afterAll(() => prod?.close());

  it("refuses URLs naming internal hosts and special-use addresses, whatever their spelling", async () => {
    const owner = await prod.signUp("Ivy Internal");
    const orgId = (await owner.client.orgs.list.query())[0]!.id;
    for (const url of [
      "https://[::ffff:127.0.0.1]/x",
      "https://[::127.0.0.1]/x",
      "https://[::ffff:0:10.0.0.1]/x",
      "https://[64:ff9b::10.0.0.1]/x",
      "https://[2002:a00:1::]/x",
      "https://[fec0::1]/x",
      "https://[ff02::1]/x",
      "https://198.18.0.1/x",
      "https://224.0.0.1/x",
      "https://255.255.255.255/x",
      "https://0.0.0.0/x",
      "https://2130706433/x",
      "https://0x7f.1/x",
      "https://metadata.google.internal/x",
      "https://printer.local/x",
      "https://intranet/x",
    ]) {
      expect(
        await failure(owner.client.webhooks.create.mutate({ orgId, url, events: ["resource.created"] })),
        url,
      ).toMatchObject({
        reason: "INVALID_WEBHOOK_URL",
        message: "Webhook URLs must point to a public address, not localhost or a private network.",
      });
    }
    expect(await owner.client.webhooks.list.query({ orgId })).toEqual([]);
  });

  it.each([
    ["127.0.0.1"],
    ["10.0.0.1"],
    ["::1"],
    ["::ffff:127.0.0.1"],
    ["64:ff9b::7f00:1"],
    ["93.184.216.34", "127.0.0.1"],
  ])(
    "checks the resolved address when connecting: %s is refused and nothing connects",
    async (...answers) => {
      const listener = await tcpListener();
      try {
        const owner = await prod.signUp("Rita Rebind");
        const orgId = (await owner.client.orgs.list.query())[0]!.id;
        // Public when the URL is accepted; the name is only resolved when a delivery connects.
        dns.set("hooks.rebind.example", answers);
        const { endpoint } = await owner.client.webhooks.create.mutate({
          orgId,
          url: `https://hooks.rebind.example:${listener.port}/roster`,
          events: ["resource.created"],
        });
        await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "c" });
        await prod.deliver();
        const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
        expect(log.items).toMatchObject([{ ok: false, statusCode: null, error: BLOCKED_ADDRESS_ERROR }]);
        expect(listener.connections).toBe(0);
        await owner.client.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
      } finally {
        await listener.close();
      }
    },
  );

  it("refuses a literal internal address kept from before, which no lookup would see", async () => {
    const listener = await tcpListener();
    try {
      const owner = await prod.signUp("Lars Literal");
      const orgId = (await owner.client.orgs.list.query())[0]!.id;
      dns.set("hooks.literal.example", ["93.184.216.34"]);
      const { endpoint } = await owner.client.webhooks.create.mutate({
        orgId,
        url: "https://hooks.literal.example/roster",
        events: ["resource.created"],
      });
      // As an endpoint saved by an older version, before URLs were checked this way.
      await prod.database.db
        .updateTable("webhook_endpoints")
        .set({ url: `https://[::ffff:127.0.0.1]:${listener.port}/roster` })
        .where("id", "=", endpoint.id)
        .execute();
      await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "c" });
      await prod.deliver();
      const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId: endpoint.id });
      expect(log.items).toMatchObject([{ ok: false, statusCode: null, error: BLOCKED_ADDRESS_ERROR }]);
      expect(listener.connections).toBe(0);
    } finally {
      await listener.close();
    }
  });
});

describe("webhook delivery outside production", () => {
  const resolveHost: HostResolver = async () => [{ address: "127.0.0.1", family: 4 }];
  let dev: TestServer;
  beforeAll(async () => {
    dev = await startTestServer({}, { resolveHost });
  });
  afterAll(() => dev?.close());

  it("delivers to a loopback receiver through the configured resolver", async () => {
    const owner = await verifiedPerson(dev, "Dev Loop");
    const orgId = await personalOrg(owner);
    const secret = "whsec_dev-loopback-receiver-001";
    const rx = await startReceiver({ secret, now: dev.clock });
    try {
      const port = new URL(rx.url).port;
      await owner.client.webhooks.create.mutate({
        orgId,
        url: `http://receiver.internal.example:${port}/hooks/roster`,
        events: ["resource.created"],
        secret,
      });
      await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "c" });
      await dev.deliver();
      expect(rx.received.map((h) => [h.event, h.verified])).toEqual([["resource.created", true]]);
    } finally {
      await rx.close();
    }
  });

  it("logs a closed port and a port that drops the connection with the same words", async () => {
    const owner = await verifiedPerson(dev, "Pat Ports");
    const orgId = await personalOrg(owner);
    const open = await tcpListener();
    const closed = await tcpListener();
    await closed.close();
    try {
      const ids: string[] = [];
      for (const port of [open.port, closed.port]) {
        const { endpoint } = await owner.client.webhooks.create.mutate({
          orgId,
          url: `http://127.0.0.1:${port}/x`,
          events: ["resource.created"],
        });
        ids.push(endpoint.id);
      }
      await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "c" });
      await dev.deliver();
      for (const endpointId of ids) {
        const log = await owner.client.webhooks.deliveries.query({ orgId, endpointId });
        expect(log.items).toMatchObject([{ ok: false, statusCode: null, error: CONNECT_ERROR }]);
      }
      expect(open.connections).toBe(1);
    } finally {
      await open.close();
    }
  });
});
