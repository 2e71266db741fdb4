import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddressResolver, parseTrustProxy, type TrustProxy } from "../src/client-address.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";

/** X-Forwarded-For entries left of the proxies we run are written by the client: never trusted. */

const trust = (value: string) => parseTrustProxy(value) as TrustProxy;

describe("the client address behind proxies", () => {
  it.each([
    // [TRUST_PROXY, socket peer, X-Forwarded-For, client address]
    ["false", "10.0.0.1", "6.6.6.6, 203.0.113.7", "10.0.0.1"],
    ["1", "10.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    ["true", "10.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    ["2", "10.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"],
    ["2", "10.0.0.1", "203.0.113.7", "203.0.113.7"],
    ["1", "10.0.0.1", "", "10.0.0.1"],
    ["1", "10.0.0.1", "203.0.113.7:4711", "203.0.113.7"],
    ["1", "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"],
    ["2", "10.0.0.1", "6.6.6.6, not-an-address, 203.0.113.7", "203.0.113.7"],
    ["10.0.0.1", "10.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    ["10.0.0.0/8", "10.0.0.1", "6.6.6.6, 203.0.113.7, 10.9.9.9", "203.0.113.7"],
    ["10.0.0.0/8", "::ffff:10.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    // A peer that is not a trusted proxy is the client, whatever it claims.
    ["10.0.0.1", "198.51.100.9", "6.6.6.6, 203.0.113.7", "198.51.100.9"],
    ["10.0.0.0/8", "10.0.0.1", "10.0.0.5, 10.0.0.6", "10.0.0.5"],
  ])("TRUST_PROXY=%s, peer %s, X-Forwarded-For %j: %s", (value, peer, xff, expected) => {
    expect(clientAddressResolver(trust(value))(peer, xff)).toBe(expected);
  });

  it.each(["banana", "10.0.0.1/33", "11", "10.0.0.1,nope"])(
    "refuses TRUST_PROXY=%s with a sentence",
    (value) => {
      expect(() => loadConfig({ SECRET_KEY: "k".repeat(40), TRUST_PROXY: value })).toThrowError(ConfigError);
      expect(() => loadConfig({ SECRET_KEY: "k".repeat(40), TRUST_PROXY: value })).toThrowError(
        /TRUST_PROXY is invalid/,
      );
    },
  );
});

describe("a forged X-Forwarded-For over HTTP (TRUST_PROXY=1)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ TRUST_PROXY: "1", SIGN_UPS_PER_IP_PER_HOUR: "3" });
  });
  afterAll(() => t?.close());

  const via = (forwardedFor: string, token?: string) =>
    createRosterClient({ url: t.url, token, headers: { "x-forwarded-for": forwardedFor } });

  it("records the address the proxy saw, not the one the client wrote", async () => {
    const { token } = await via("6.6.6.6, 203.0.113.7").auth.signUp.mutate({
      email: "proxied@example.com",
      password: PASSWORD,
      name: "Proxied",
    });
    const sessions = await via("7.7.7.7, 203.0.113.7", token).auth.sessions.query();
    expect(sessions.map((s) => s.ip)).toEqual(["203.0.113.7"]);
  });

  it("counts rate limits by that address however the left-most entry changes", async () => {
    for (let i = 1; i <= 2; i += 1) {
      await via(`6.6.6.${i}, 203.0.113.7`).auth.signUp.mutate({
        email: `spray${i}@example.com`,
        password: PASSWORD,
        name: "Spray",
      });
    }
    expect(
      await failure(
        via("9.9.9.9, 203.0.113.7").auth.signUp.mutate({
          email: "spray9@example.com",
          password: PASSWORD,
          name: "S",
        }),
      ),
    ).toMatchObject({ reason: "RATE_LIMITED" });
    // Another client behind the same proxy has its own budget.
    await via("203.0.113.8").auth.signUp.mutate({
      email: "other@example.com",
      password: PASSWORD,
      name: "Other",
    });
  });
});
