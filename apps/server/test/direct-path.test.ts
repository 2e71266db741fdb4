import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directCallOf } from "../src/trpc-direct.js";
import { PASSWORD, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/**
 * A single query or mutation is answered by the direct path (trpc-direct.ts); the same call with
 * its path percent-encoded (`auth%2Eme`) goes through tRPC's `resolveResponse`, which decodes it.
 * Every answer must be the same either way: status, body, and headers.
 */

interface Call {
  name: string;
  method?: "GET" | "POST";
  path: string;
  input?: unknown;
  /** Sent as the query's `input` or the body exactly as written (for malformed JSON). */
  rawInput?: string;
  headers?: Record<string, string>;
}

const HEADERS = [
  "content-type",
  "vary",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-expose-headers",
  "x-request-id",
];

/** The two spellings of a path: as clients send it, and with its dots percent-encoded. */
const encoded = (path: string) => path.replaceAll(".", "%2E");

describe("the direct path for single calls", () => {
  let t: TestServer;
  let owner: SignedUpPerson;
  let bob: SignedUpPerson;
  let orgId: string;
  let otherOrgId: string;

  beforeAll(async () => {
    t = await startTestServer({ ALLOWED_ORIGINS: "https://host.example.com" });
    owner = await verifiedPerson(t, "Olga");
    bob = await verifiedPerson(t, "Bob");
    orgId = await personalOrg(owner);
    otherOrgId = await personalOrg(bob);
    await addMember(t, owner, orgId, bob, "viewer");
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  async function send(call: Call, path: string) {
    const method = call.method ?? "GET";
    const text = call.rawInput ?? (call.input === undefined ? undefined : JSON.stringify(call.input));
    const query = method === "GET" && text !== undefined ? `?input=${encodeURIComponent(text)}` : "";
    const response = await fetch(`${t.url}/trpc/${path}${query}`, {
      method,
      headers: {
        "x-request-id": "same-request-id",
        ...(method === "POST" ? { "content-type": "application/json" } : {}),
        ...call.headers,
      },
      ...(method === "POST" ? { body: text ?? "" } : {}),
    });
    const body = await response.text();
    const headers = Object.fromEntries(HEADERS.map((name) => [name, response.headers.get(name)]));
    // Session tokens differ from one sign-in to the next; the cookie's attributes must not.
    const cookies = response.headers.getSetCookie().map((c) => c.replace(/^([^=]+)=[^;]+/, "$1=…"));
    return {
      status: response.status,
      headers,
      cookies,
      body: body.replace(/"[\w-]{20,}\.[\w-]{20,}"/g, '"…"'),
    };
  }

  /** Sends the call both ways and expects the same answer; returns it. */
  async function same(call: Call) {
    const direct = await send(call, call.path);
    const general = await send(call, encoded(call.path));
    expect(direct, call.name).toEqual(general);
    return direct;
  }

  it("takes the direct path for plain single calls only", () => {
    const plain = (method: string, target: string, headers = {}, type: string | undefined = undefined) => {
      const queryAt = target.indexOf("?");
      const params = new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1));
      return directCallOf(method, target, queryAt, params, headers, type);
    };
    expect(plain("GET", "/trpc/auth.me")).toEqual({ path: "auth.me", type: "query" });
    expect(plain("POST", "/trpc/auth.signIn", {}, "application/json")).toEqual({
      path: "auth.signIn",
      type: "mutation",
    });
    expect(plain("GET", `/trpc/${encoded("auth.me")}`)).toBeNull();
    expect(plain("GET", "/trpc/auth.me,orgs.list?batch=1")).toBeNull();
    expect(plain("GET", "/trpc/auth.me", { "trpc-accept": "application/jsonl" })).toBeNull();
    expect(plain("GET", "/trpc/auth.me", { accept: "application/jsonl" })).toBeNull();
    expect(plain("POST", "/trpc/auth.signIn", {}, "multipart/form-data")).toBeNull();
    expect(plain("POST", "/trpc/auth.signIn")).toBeNull();
    expect(plain("HEAD", "/trpc/auth.me")).toBeNull();
  });

  it("answers successes the same way", async () => {
    const me = await same({
      name: "auth.me",
      path: "auth.me",
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.vary).toBe("trpc-accept, accept, Origin");
    const permissions = await same({
      name: "orgs.permissions",
      path: "orgs.permissions",
      input: { orgId },
      headers: { authorization: `Bearer ${bob.token}`, origin: "https://host.example.com" },
    });
    expect(permissions.headers["access-control-allow-origin"]).toBe("https://host.example.com");
    expect(JSON.parse(permissions.body).result.data.role).toBe("viewer");
    await same({
      name: "members.list",
      path: "members.list",
      input: { orgId, limit: 1 },
      headers: { authorization: `Bearer ${owner.token}` },
    });
    const signedIn = await same({
      name: "auth.signIn",
      method: "POST",
      path: "auth.signIn",
      input: { email: bob.email, password: PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookies).toHaveLength(1);
  });

  it("answers every kind of error the same way", async () => {
    const bobs = { authorization: `Bearer ${bob.token}` };
    const errors: [Call, number, string][] = [
      [{ name: "no credentials", path: "auth.me" }, 401, "UNAUTHENTICATED"],
      [
        { name: "unknown session", path: "auth.me", headers: { authorization: "Bearer abc.def" } },
        401,
        "INVALID_SESSION",
      ],
      [
        { name: "dead cookie", path: "auth.me", headers: { cookie: "roster_session=abc.def" } },
        401,
        "INVALID_SESSION",
      ],
      [
        {
          name: "not a member",
          path: "orgs.permissions",
          input: { orgId: otherOrgId },
          headers: { authorization: `Bearer ${owner.token}` },
        },
        404,
        "ORG_NOT_FOUND",
      ],
      [
        {
          name: "no permission",
          path: "invitations.create",
          method: "POST",
          input: { orgId, emails: ["x@example.com"], role: "member" },
          headers: bobs,
        },
        403,
        "PERMISSION_DENIED",
      ],
      [
        { name: "invalid input", path: "members.list", input: { orgId, limit: -1 }, headers: bobs },
        400,
        "VALIDATION",
      ],
      [{ name: "not an object", path: "members.list", input: 7, headers: bobs }, 400, "VALIDATION"],
      [
        { name: "NUL in input", path: "members.list", input: { orgId, search: "a\u0000b" }, headers: bobs },
        400,
        "VALIDATION",
      ],
      [
        { name: "malformed JSON", path: "orgs.permissions", rawInput: "{not json", headers: bobs },
        400,
        "BAD_REQUEST",
      ],
      [{ name: "empty body", method: "POST", path: "auth.signIn" }, 400, "BAD_REQUEST"],
      [
        {
          name: "wrong password",
          method: "POST",
          path: "auth.signIn",
          input: { email: bob.email, password: "nope-nope-nope" },
        },
        401,
        "INVALID_CREDENTIALS",
      ],
      [
        { name: "query sent as POST", method: "POST", path: "auth.me", input: {} },
        405,
        "METHOD_NOT_SUPPORTED",
      ],
      [{ name: "mutation sent as GET", path: "auth.signIn" }, 405, "METHOD_NOT_SUPPORTED"],
      [{ name: "no such procedure", path: "auth.nothing" }, 404, "NOT_FOUND"],
    ];
    for (const [call, status, reason] of errors) {
      const answer = await same(call);
      expect(answer.status, call.name).toBe(status);
      expect(JSON.parse(answer.body).error.data.reason, `${call.name}: ${answer.body}`).toBe(reason);
    }
    const dead = await same({
      name: "dead cookie",
      path: "auth.me",
      headers: { cookie: "roster_session=abc.def" },
    });
    expect(dead.cookies).toEqual([expect.stringMatching(/^roster_session=; .*Max-Age=0/)]);
    const invalid = JSON.parse(
      (await same({ name: "issues", path: "members.list", input: { orgId, limit: -1 }, headers: bobs })).body,
    );
    expect(invalid.error.data.issues).toEqual([{ path: ["limit"], message: expect.any(String) }]);
    // Text no schema may hold is refused before any schema runs, as VALIDATION with its field.
    const unstorable = JSON.parse(
      (await same({ name: "NUL", path: "members.list", input: { orgId, search: "a\u0000b" }, headers: bobs }))
        .body,
    );
    expect(unstorable.error.data.issues).toEqual([
      { path: ["search"], message: expect.stringMatching(/NUL/) },
    ]);
  });
});
