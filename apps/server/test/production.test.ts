import { request } from "node:http";
import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { Sealer } from "../src/crypto.js";
import { RosterError } from "../src/errors.js";
import { startServer } from "../src/server.js";
import { failure, PASSWORD, startTestServer, type TestServer, testClock } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

const KEY_A = "a".repeat(40);
const KEY_B = "b".repeat(40);
const production = {
  NODE_ENV: "production",
  SECRET_KEY: KEY_A,
  PUBLIC_URL: "https://roster.example.com",
  SMTP_URL: "smtp://mail.example.com:587",
};

describe("production configuration", () => {
  it("starts with an https PUBLIC_URL, SMTP_URL and SECRET_KEY", () => {
    expect(loadConfig(production)).toMatchObject({
      production: true,
      publicUrl: "https://roster.example.com",
    });
  });

  it.each([
    ["no PUBLIC_URL", { PUBLIC_URL: undefined }],
    ["an http PUBLIC_URL", { PUBLIC_URL: "http://roster.example.com" }],
  ])("refuses %s with a sentence naming PUBLIC_URL", (_, change) => {
    expect(() => loadConfig({ ...production, ...change })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...production, ...change })).toThrowError(/PUBLIC_URL must be the https:\/\//);
  });

  it("refuses to start without SMTP_URL, naming it", () => {
    expect(() => loadConfig({ ...production, SMTP_URL: undefined })).toThrowError(/SMTP_URL is required/);
  });

  it("reads SECRET_KEY_PREVIOUS as a list of keys, each long enough", () => {
    expect(
      loadConfig({ ...production, SECRET_KEY_PREVIOUS: `${KEY_B}, ${"c".repeat(32)}` }).previousSecretKeys,
    ).toEqual([KEY_B, "c".repeat(32)]);
    expect(() => loadConfig({ ...production, SECRET_KEY_PREVIOUS: `${KEY_B},short` })).toThrowError(
      /SECRET_KEY_PREVIOUS is invalid/,
    );
  });
});

describe("secret key rotation", () => {
  it("opens values sealed with a previous key and seals new ones with the current key", () => {
    const sealedWithA = new Sealer(KEY_A).seal("token");
    const rotated = new Sealer(KEY_B, [KEY_A]);
    expect(rotated.open(sealedWithA)).toBe("token");
    expect(new Sealer(KEY_B).open(rotated.seal("fresh"))).toBe("fresh");
    let refused: unknown;
    try {
      new Sealer(KEY_B).open(sealedWithA);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RosterError);
    expect(refused).toMatchObject({ reason: "SEALED_WITH_UNKNOWN_KEY" });
  });

  it("keeps invitation links working across a key change, and refuses clearly when no key opens them", async () => {
    const t = await startTestServer({ SECRET_KEY: KEY_A });
    try {
      const alice = await verifiedPerson(t, "Alice");
      const orgId = await personalOrg(alice);
      await alice.client.invitations.create.mutate({ orgId, emails: ["bob@example.com"], role: "member" });
      const { id: invitationId } = await t.database.db
        .selectFrom("invitations")
        .select("id")
        .where("email", "=", "bob@example.com")
        .executeTakeFirstOrThrow();
      const before = await alice.client.invitations.link.query({ orgId, invitationId });

      // The same database served with a new key: first with the old one kept, then without it.
      for (const [env, works] of [
        [{ SECRET_KEY: KEY_B, SECRET_KEY_PREVIOUS: KEY_A }, true],
        [{ SECRET_KEY: KEY_B }, false],
      ] as const) {
        const config = loadConfig({
          PORT: "0",
          HOST: "127.0.0.1",
          PUBLIC_URL: "http://roster.test",
          LOG_LEVEL: "silent",
          ...env,
        });
        const server = await startServer({
          config,
          database: t.database,
          clock: testClock(),
          runWorker: false,
        });
        try {
          const client = createRosterClient({ url: server.url, token: alice.token });
          if (works) {
            expect(await client.invitations.link.query({ orgId, invitationId })).toEqual(before);
          } else {
            expect(await failure(client.invitations.link.query({ orgId, invitationId }))).toMatchObject({
              code: "PRECONDITION_FAILED",
              reason: "SEALED_WITH_UNKNOWN_KEY",
              message: expect.stringMatching(/SECRET_KEY_PREVIOUS/),
            });
          }
        } finally {
          await server.close();
        }
      }
    } finally {
      await t.close();
    }
  });
});

/** A POST with headers fetch will not let us forge (Host). */
function rawPost(url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; body: string; setCookie: string[] }>((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] ?? [] }),
        );
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("timed out")));
    req.end(body);
  });
}

describe("cross-site requests and cookies in production", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      NODE_ENV: "production",
      PUBLIC_URL: "https://roster.example.com",
      SMTP_URL: "smtp://127.0.0.1:1",
      ALLOWED_ORIGINS: "https://app.example.com",
    });
    await t.client().auth.signUp.mutate({ email: "carol@example.com", password: PASSWORD, name: "Carol" });
  });
  afterAll(() => t?.close());

  const signIn = (headers: Record<string, string>) =>
    rawPost(
      `${t.url}/trpc/auth.signIn`,
      { "content-type": "application/json", ...headers },
      JSON.stringify({ email: "carol@example.com", password: PASSWORD }),
    );

  it("refuses a foreign Origin even when the Host header names the same site", async () => {
    const forged = await signIn({ origin: "https://evil.example", host: "evil.example" });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error.data.reason).toBe("ORIGIN_NOT_ALLOWED");
    expect(forged.setCookie).toEqual([]);
    const forgedHttp = await signIn({ origin: "http://evil.example", host: "evil.example" });
    expect(forgedHttp.status).toBe(403);
  });

  it("accepts PUBLIC_URL's origin and ALLOWED_ORIGINS, and the session cookie is Secure", async () => {
    for (const origin of ["https://roster.example.com", "https://app.example.com"]) {
      const ok = await signIn({ origin });
      expect(ok.status).toBe(200);
      expect(ok.setCookie.join("\n")).toMatch(/roster_session=.*; Secure/);
    }
  });
});
