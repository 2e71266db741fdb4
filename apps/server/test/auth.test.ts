import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.js";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const countUsers = async () =>
  Number(
    (
      await t.database.db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("sign up", () => {
  it("creates an account, returns a session token and sets an HttpOnly session cookie", async () => {
    const res = await fetch(`${t.url}/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", password: PASSWORD, name: "Ada Lovelace" }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^roster_session=[a-z2-9]{24}\.[a-z2-9]{24}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const body = (await res.json()) as { result: { data: { user: { email: string }; token: string } } };
    expect(body.result.data.user.email).toBe("ada@example.com");

    const me = await fetch(`${t.url}/trpc/auth.me`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(me.status).toBe(200);
    const meBody = (await me.json()) as { result: { data: { user: { name: string } } } };
    expect(meBody.result.data.user.name).toBe("Ada Lovelace");
  });

  it("refuses the same email in another letter case and changes nothing", async () => {
    const before = await countUsers();
    const err = await failure(
      t.client().auth.signUp.mutate({ email: "ADA@Example.COM", password: PASSWORD, name: "Impostor" }),
    );
    expect(err).toMatchObject({ code: "CONFLICT", reason: "EMAIL_TAKEN" });
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ["a malformed email", { email: "not-an-email", password: PASSWORD, name: "X" }, "email"],
    ["a short password", { email: "short@example.com", password: "short", name: "X" }, "password"],
    ["an empty name", { email: "noname@example.com", password: PASSWORD, name: "   " }, "name"],
  ])("refuses %s with VALIDATION and creates nothing", async (_label, input, field) => {
    const before = await countUsers();
    const err = await failure(t.client().auth.signUp.mutate(input));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.reason).toBe("VALIDATION");
    // The sentence names no internal field; the issue's path says which field it is about.
    expect(err.message).not.toContain(`${field}:`);
    expect(err.issues?.[0]?.path).toEqual([field]);
    expect(await countUsers()).toBe(before);
  });
});

describe("sign in", () => {
  it("signs in with the right password, in any letter case of the email", async () => {
    const person = await t.signUp("Grace");
    const result = await t
      .client()
      .auth.signIn.mutate({ email: person.email.toUpperCase(), password: PASSWORD });
    expect(result.user.id).toBe(person.user.id);
    const me = await t.client(result.token).auth.me.query();
    expect(me.user.email).toBe(person.email);
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const person = await t.signUp("Linus");
    const wrong = await failure(
      t.client().auth.signIn.mutate({ email: person.email, password: "wrong password" }),
    );
    const unknown = await failure(
      t.client().auth.signIn.mutate({ email: "nobody@example.com", password: PASSWORD }),
    );
    expect(wrong).toEqual({
      code: "UNAUTHORIZED",
      reason: "INVALID_CREDENTIALS",
      message: "The email or password is incorrect. Check both and try again.",
    });
    expect(unknown).toEqual(wrong);
  });
});

describe("sessions", () => {
  it("authenticates by bearer token and ends with sign out", async () => {
    const person = await t.signUp("Barbara");
    expect((await person.client.auth.me.query()).user.id).toBe(person.user.id);
    await person.client.auth.signOut.mutate();
    expect(await failure(person.client.auth.me.query())).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "INVALID_SESSION",
    });
  });

  it("refuses anonymous calls to signed-in procedures", async () => {
    expect(await failure(t.client().auth.me.query())).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "UNAUTHENTICATED",
    });
  });

  it("refuses a forged token whose id exists but whose secret is wrong", async () => {
    const person = await t.signUp("Forge");
    const [id] = person.token.split(".");
    const forged = `${id}.${"a".repeat(24)}`;
    expect(await failure(t.client(forged).auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    expect(await failure(t.client("garbage").auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    // The real token still works: a forged attempt does not end the session.
    expect((await person.client.auth.me.query()).user.id).toBe(person.user.id);
  });

  it("expires after 30 days without use and is then deleted", async () => {
    const person = await t.signUp("Expiring");
    t.clock.advance(30 * 24 * 3600 + 1);
    expect(await failure(person.client.auth.me.query())).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "SESSION_EXPIRED",
    });
    const [id] = person.token.split(".");
    const left = await t.database.db.selectFrom("sessions").select("id").where("id", "=", id!).execute();
    expect(left).toEqual([]);
  });

  it("refreshes its expiry when used in the second half of its life", async () => {
    const person = await t.signUp("Active");
    const first = await person.client.auth.me.query();
    t.clock.advance(20 * 24 * 3600);
    const later = await person.client.auth.me.query();
    expect(new Date(later.session.expiresAt).getTime()).toBeGreaterThan(
      new Date(first.session.expiresAt).getTime(),
    );
    await t.server.settle(); // the new expiry is written after the answer
    t.clock.advance(20 * 24 * 3600); // 40 days after sign-in, but 20 after the last use
    expect((await person.client.auth.me.query()).user.id).toBe(person.user.id);
  });

  it("stores only a SHA-256 hash of each session secret", async () => {
    const person = await t.signUp("Hashed");
    const [id, secret] = person.token.split(".") as [string, string];
    const row = await t.database.db
      .selectFrom("sessions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.secret_hash).equals(Buffer.from(hashSecret(secret)))).toBe(true);
    const dump = await sql<{ dump: string }>`select string_agg(s::text, ' ') as dump from sessions s`.execute(
      t.database.db,
    );
    expect(dump.rows[0]!.dump).not.toContain(secret);
  });
});

describe("HTTP", () => {
  it("answers /healthz after checking the database", async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });

  it("refuses a cookie-carrying POST from a foreign origin", async () => {
    const res = await fetch(`${t.url}/trpc/auth.signOut`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { data: { reason: "ORIGIN_NOT_ALLOWED" } } });
  });
});
