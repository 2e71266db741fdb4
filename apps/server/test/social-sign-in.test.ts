import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { freePort } from "@roster/testing";
import { type IdpUser, startOidcProvider, type TestOidcProvider } from "@roster/testing/identity-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../src/auth/cookies.js";
import { totpCode, totpStep } from "../src/auth/totp.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { enabledProviders } from "../src/domain/social-sign-in.js";
import { SOCIAL_FLOW_COOKIE } from "../src/social-routes.js";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";
import { cookieValue, followProviderRedirects, orgOnDomain } from "./sso-helpers.js";

type Provider = "google" | "github" | "microsoft";

let t: TestServer;
let idp: TestOidcProvider;
beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One provider on loopback stands in for all three (SOCIAL_TEST_PROVIDER_URL): OpenID Connect for
  // Google and Microsoft, OAuth 2.0 and GitHub's /user and /user/emails for GitHub.
  idp = await startOidcProvider({
    redirectUris: ["google", "github", "microsoft"].map((p) => `${url}/auth/social/${p}/callback`),
  });
  const client = (name: string) => ({
    [`${name}_CLIENT_ID`]: idp.clientId,
    [`${name}_CLIENT_SECRET`]: idp.clientSecret,
  });
  t = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: url,
    ...client("GOOGLE"),
    ...client("GITHUB"),
    ...client("MICROSOFT"),
    SOCIAL_TEST_PROVIDER_URL: idp.issuer,
  });
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

let counter = 0;
const someone = (overrides: Partial<IdpUser> = {}): IdpUser => {
  const n = ++counter;
  return {
    subject: `social-${n}`,
    email: `social-${n}@people.example`,
    name: `Social Person ${n}`,
    ...overrides,
  };
};

interface Landing {
  status: number;
  location: string;
  session: string | undefined;
}

/** The "Continue with …" link: the provider's URL and the flow cookie. */
async function start(provider: Provider, returnTo?: string) {
  const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : "";
  const res = await fetch(`${t.url}/auth/social/${provider}/start${query}`, { redirect: "manual" });
  const flowCookie = cookieValue(res, SOCIAL_FLOW_COOKIE);
  const url = res.headers.get("location");
  if (res.status !== 303 || !flowCookie || !url) throw new Error(`start answered ${res.status} ${url}`);
  return { url, flowCookie };
}

/** Opens the callback as the browser: with its flow cookie and, when signed in, its session. */
async function openCallback(callback: string, flowCookie: string | null, session?: string): Promise<Landing> {
  const cookies = [
    ...(flowCookie ? [`${SOCIAL_FLOW_COOKIE}=${flowCookie}`] : []),
    ...(session ? [`${SESSION_COOKIE}=${session}`] : []),
  ];
  const res = await fetch(callback, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
  const token = cookieValue(res, SESSION_COOKIE);
  return { status: res.status, location: res.headers.get("location") ?? "", session: token || undefined };
}

/** The whole round trip: start, the provider (signing in as `person`), back to Roster's callback. */
async function signInAs(provider: Provider, person: IdpUser, returnTo?: string) {
  idp.signInAs(person);
  const started = await start(provider, returnTo);
  const callback = await followProviderRedirects(started.url, `${t.url}/auth/social/`);
  return { started, callback, landing: await openCallback(callback, started.flowCookie) };
}

/** Linking from account security: `auth.linkIdentity` with the session, then the round trip. */
async function link(token: string, provider: Provider, who: IdpUser): Promise<Landing> {
  const res = await fetch(`${t.url}/trpc/auth.linkIdentity`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ provider }),
  });
  const body = (await res.json()) as { result?: { data: { url: string } } };
  const flowCookie = cookieValue(res, SOCIAL_FLOW_COOKIE);
  if (!body.result || !flowCookie) throw new Error(`linkIdentity failed: ${JSON.stringify(body)}`);
  idp.signInAs(who);
  const callback = await followProviderRedirects(body.result.data.url, `${t.url}/auth/social/`);
  return openCallback(callback, flowCookie, token);
}

const refusedWith = (landing: Landing) => new URL(landing.location).searchParams.get("social_error");

const identitiesOf = (userId: string) =>
  t.database.db
    .selectFrom("social_identities")
    .select(["provider", "subject", "email"])
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .execute();

const userByEmail = (email: string) =>
  t.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();

const sessionMethod = async (token: string) => (await t.client(token).auth.me.query()).session.authMethod;

describe("configuration", () => {
  const base = {
    SECRET_KEY: "test-secret-key-that-is-long-enough-000",
    ROSTER_DATA_DIR: "/tmp/roster-social",
  };

  it("offers only the providers with a client ID and secret, and never their secrets", async () => {
    expect(enabledProviders(loadConfig(base))).toEqual([]);
    expect(
      enabledProviders(loadConfig({ ...base, GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret" })),
    ).toEqual([{ id: "github", name: "GitHub" }]);
    const listed = await t.client().auth.socialProviders.query();
    expect(listed.map((p) => p.id)).toEqual(["google", "github", "microsoft"]);
    expect(JSON.stringify(listed)).not.toContain(idp.clientSecret);
  });

  it("refuses half a provider, and a stand-in provider in production or off this machine", () => {
    expect(() => loadConfig({ ...base, GOOGLE_CLIENT_ID: "id" })).toThrow(/GOOGLE_CLIENT_SECRET/);
    expect(() => loadConfig({ ...base, SOCIAL_TEST_PROVIDER_URL: "http://idp.example.com" })).toThrow(
      /SOCIAL_TEST_PROVIDER_URL/,
    );
    const production = {
      ...base,
      NODE_ENV: "production",
      PUBLIC_URL: "https://roster.example.com",
      SMTP_URL: "smtp://mail.example.com",
      SOCIAL_TEST_PROVIDER_URL: "http://127.0.0.1:4000",
    };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/refused when NODE_ENV=production/);
  });

  it("answers a provider that is not configured with SOCIAL_PROVIDER_NOT_CONFIGURED", async () => {
    const res = await fetch(`${t.url}/auth/social/facebook/start`, { redirect: "manual" });
    expect(res.headers.get("location")).toBe(`${t.url}/sign-in?social_error=SOCIAL_PROVIDER_NOT_CONFIGURED`);
    expect(cookieValue(res, SOCIAL_FLOW_COOKIE)).toBe("");
    expect(
      await failure(
        t.client(await (await verifiedPerson(t, "Lin Ker")).token).auth.linkIdentity.mutate({
          provider: "facebook" as "google",
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
  });
});

describe("signing in with a provider", () => {
  it("makes an account for a new person: a confirmed address, a personal organization, a google session", async () => {
    const person = someone({ name: "Grace Google" });
    const { landing } = await signInAs("google", person, "/account");
    expect(landing.status).toBe(303);
    expect(landing.location).toBe(`${t.url}/account`);
    expect(landing.session).toBeTruthy();
    const user = await userByEmail(person.email);
    expect(user).toMatchObject({ name: "Grace Google", password_hash: null });
    expect(user?.email_verified_at).not.toBeNull();
    expect(await identitiesOf(user!.id)).toEqual([
      { provider: "google", subject: person.subject, email: person.email },
    ]);
    expect(await sessionMethod(landing.session!)).toBe("google");
    const orgs = await t.client(landing.session).orgs.list.query();
    expect(orgs.filter((o) => o.personal)).toHaveLength(1);
    const { items } = await t.client(landing.session).audit.list.query({ orgId: orgs[0]!.id });
    expect(items.map((i) => i.action)).toContain("social_identity.linked");
  });

  it("signs a linked identity in to the same account again, with GitHub's verified primary address", async () => {
    const person = someone();
    const first = await signInAs("github", person);
    const again = await signInAs("github", { ...person, name: "Renamed" });
    expect(again.landing.session).toBeTruthy();
    const me = await t.client(again.landing.session).auth.me.query();
    expect(me.user.id).toBe((await t.client(first.landing.session).auth.me.query()).user.id);
    expect(me.session.authMethod).toBe("github");
    expect(await identitiesOf(me.user.id)).toHaveLength(1);
    // GitHub's numeric user id is the subject.
    expect((await identitiesOf(me.user.id))[0]?.subject).toMatch(/^\d+$/);
  });

  it("records microsoft as the method of a Microsoft sign-in", async () => {
    const { landing } = await signInAs("microsoft", someone());
    expect(await sessionMethod(landing.session!)).toBe("microsoft");
  });

  it("gives a new person on a domain with automatic invitations their invitation, as a confirmed sign-up does", async () => {
    const { owner, orgId, domainId } = await orgOnDomain(t, "social-enroll.example");
    await owner.client.domains.setEnrollment.mutate({ orgId, domainId, enrollment: "invitation" });
    const { landing } = await signInAs("google", someone({ email: "newcomer@social-enroll.example" }));
    const pending = await t.client(landing.session).invitations.mine.query();
    expect(pending.map((i) => i.organization.id)).toContain(orgId);
  });

  it("refuses an address the provider did not verify: no account, no link", async () => {
    for (const provider of ["google", "github"] as const) {
      const person = someone({ emailVerified: false });
      const { landing } = await signInAs(provider, person);
      expect(refusedWith(landing)).toBe("SOCIAL_EMAIL_NOT_VERIFIED");
      expect(landing.session).toBeUndefined();
      expect(await userByEmail(person.email)).toBeUndefined();
    }
    // Nor is an existing account with that address linked.
    const owner = await verifiedPerson(t, "Vera Verified");
    const { landing } = await signInAs("google", someone({ email: owner.email, emailVerified: false }));
    expect(refusedWith(landing)).toBe("SOCIAL_EMAIL_NOT_VERIFIED");
    expect(await identitiesOf(owner.user.id)).toEqual([]);
    // Linking from a signed-in account needs a verified address as well.
    const linked = await link(owner.token, "github", someone({ emailVerified: false }));
    expect(refusedWith(linked)).toBe("SOCIAL_EMAIL_NOT_VERIFIED");
    expect(await identitiesOf(owner.user.id)).toEqual([]);
  });
});

describe("linking to an existing account", () => {
  it("links by a confirmed address on sign-in", async () => {
    const owner = await verifiedPerson(t, "Cora Confirmed");
    const { landing } = await signInAs("google", someone({ email: owner.email }));
    expect((await t.client(landing.session).auth.me.query()).user.id).toBe(owner.user.id);
    expect(await identitiesOf(owner.user.id)).toHaveLength(1);
  });

  it("links an account whose address is not confirmed only after its owner signs in to it", async () => {
    const owner = await t.signUp("Una Unconfirmed");
    const who = someone({ email: owner.email });
    const { landing } = await signInAs("google", who);
    expect(refusedWith(landing)).toBe("SOCIAL_LINK_PROOF_REQUIRED");
    expect(landing.session).toBeUndefined();
    expect(await identitiesOf(owner.user.id)).toEqual([]);

    // Signed in with the password (the proof), the owner links the identity from account security.
    const linked = await link(owner.token, "google", who);
    expect(linked.location).toBe(`${t.url}/account?linked=google`);
    expect(await identitiesOf(owner.user.id)).toHaveLength(1);
    const again = await signInAs("google", who);
    expect((await t.client(again.landing.session).auth.me.query()).user.id).toBe(owner.user.id);
  });

  it("refuses to link an identity that is linked to another account", async () => {
    const taken = someone();
    const first = await signInAs("github", taken);
    expect(first.landing.session).toBeTruthy();
    const other = await verifiedPerson(t, "Otto Other");
    const linked = await link(other.token, "github", { ...taken, email: other.email });
    expect(refusedWith(linked)).toBe("SOCIAL_IDENTITY_TAKEN");
    expect(await identitiesOf(other.user.id)).toEqual([]);
  });

  it("refuses a link that comes back to another account than the one that started it", async () => {
    const a = await verifiedPerson(t, "Ada Starter");
    const res = await fetch(`${t.url}/trpc/auth.linkIdentity`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ provider: "google" }),
    });
    const body = (await res.json()) as { result: { data: { url: string } } };
    idp.signInAs(someone());
    const callback = await followProviderRedirects(body.result.data.url, `${t.url}/auth/social/`);
    const landing = await openCallback(callback, cookieValue(res, SOCIAL_FLOW_COOKIE) ?? null);
    expect(refusedWith(landing)).toBe("SOCIAL_FLOW_INVALID");
    expect(await identitiesOf(a.user.id)).toEqual([]);
  });
});

describe("the flow's checks", () => {
  it("refuses a callback without the browser's flow cookie, with another state, or used twice", async () => {
    const person = someone();
    idp.signInAs(person);
    const started = await start("google");
    const callback = await followProviderRedirects(started.url, `${t.url}/auth/social/`);
    const tampered = new URL(callback);
    tampered.searchParams.set("state", "someone-elses-state-value");

    const noCookie = await openCallback(callback, null);
    expect(refusedWith(noCookie)).toBe("SOCIAL_FLOW_INVALID");
    const otherState = await openCallback(tampered.toString(), started.flowCookie);
    expect(refusedWith(otherState)).toBe("SOCIAL_FLOW_INVALID");
    for (const landing of [noCookie, otherState]) expect(landing.session).toBeUndefined();
    expect(await userByEmail(person.email)).toBeUndefined();

    // The genuine answer still works, once.
    const genuine = await openCallback(callback, started.flowCookie);
    expect(genuine.session).toBeTruthy();
    const replayed = await openCallback(callback, started.flowCookie);
    expect(refusedWith(replayed)).toBe("SOCIAL_FLOW_INVALID");
    expect(replayed.session).toBeUndefined();
  });

  it("refuses an answer after the flow expired", async () => {
    idp.signInAs(someone());
    const started = await start("google");
    const callback = await followProviderRedirects(started.url, `${t.url}/auth/social/`);
    t.clock.advance(11 * 60);
    expect(refusedWith(await openCallback(callback, started.flowCookie))).toBe("SOCIAL_FLOW_INVALID");
  });

  it("refuses when the PKCE verifier or the nonce is not the flow's", async () => {
    for (const column of ["code_verifier", "nonce"] as const) {
      const person = someone();
      idp.signInAs(person);
      const started = await start("google");
      const callback = await followProviderRedirects(started.url, `${t.url}/auth/social/`);
      await t.database.db
        .updateTable("social_flows")
        .set({ [column]: "a-value-the-provider-never-saw-0123456789abcdef" })
        .where("id", "=", started.flowCookie)
        .execute();
      const landing = await openCallback(callback, started.flowCookie);
      expect(refusedWith(landing), column).toBe("SOCIAL_RESPONSE_INVALID");
      expect(landing.session).toBeUndefined();
      expect(await userByEmail(person.email)).toBeUndefined();
    }
  });
});

describe("linked identities", () => {
  it("lists them, and unlinks one only while another way to sign in remains", async () => {
    const who = someone();
    const { landing } = await signInAs("google", who);
    const me = t.client(landing.session);
    const orgId = (await me.orgs.list.query())[0]!.id;
    const [google] = await me.auth.identities.query();
    expect(google).toMatchObject({ provider: "google", providerName: "Google", email: who.email });

    // Google is the account's only way in (no password, passkey or other identity).
    const last = await failure(me.auth.unlinkIdentity.mutate({ provider: "google", subject: who.subject }));
    expect(last).toMatchObject({ code: "CONFLICT", reason: "LAST_SIGN_IN_METHOD" });
    expect(await me.auth.identities.query()).toHaveLength(1);

    // With GitHub linked too, either may go, but not both.
    t.clock.advance(1);
    const linked = await link(landing.session!, "github", someone({ email: who.email }));
    expect(linked.location).toBe(`${t.url}/account?linked=github`);
    const listed = await me.auth.identities.query();
    expect(listed.map((i) => i.provider)).toEqual(["google", "github"]);
    await me.auth.unlinkIdentity.mutate({ provider: "google", subject: who.subject });
    const githubSubject = listed[1]!.subject;
    expect(
      await failure(me.auth.unlinkIdentity.mutate({ provider: "github", subject: githubSubject })),
    ).toMatchObject({ reason: "LAST_SIGN_IN_METHOD" });
    expect(
      await failure(me.auth.unlinkIdentity.mutate({ provider: "google", subject: who.subject })),
    ).toMatchObject({ reason: "SOCIAL_IDENTITY_NOT_FOUND" });

    const { items } = await me.audit.list.query({ orgId });
    expect(items.map((i) => i.action)).toEqual(
      expect.arrayContaining(["social_identity.linked", "social_identity.unlinked"]),
    );
    const events = await t.database.db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("org_id", "=", orgId)
      .where("type", "like", "social_identity.%")
      .orderBy("seq")
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      "social_identity.linked",
      "social_identity.linked",
      "social_identity.unlinked",
    ]);
    expect((events[2]!.payload as { data: { identity: unknown } }).data.identity).toEqual({
      provider: "google",
      email: who.email,
    });
  });

  it("lets a person with a password unlink their last identity", async () => {
    const owner = await verifiedPerson(t, "Pia Password");
    const who = someone({ email: owner.email });
    await signInAs("google", who);
    await owner.client.auth.unlinkIdentity.mutate({ provider: "google", subject: who.subject });
    expect(await owner.client.auth.identities.query()).toEqual([]);
  });

  it("refuses unlinking with malformed input and changes nothing", async () => {
    const owner = await verifiedPerson(t, "Mal Formed");
    const refused = await failure(
      owner.client.auth.unlinkIdentity.mutate({ provider: "myspace" as "google", subject: "" }),
    );
    expect(refused.reason).toBe("VALIDATION");
  });
});

describe("two-factor", () => {
  it("asks an account with an authenticator app for its code after the provider; the session records google+totp", async () => {
    const owner = await verifiedPerson(t, "Tess Totp");
    const who = someone({ email: owner.email });
    await signInAs("google", who);
    const { secret } = await owner.client.twoFactor.startTotp.mutate();
    const code = () => totpCode(decodeBase32IgnorePadding(secret), totpStep(t.clock()));
    await owner.client.twoFactor.confirmTotp.mutate({ code: code() });
    t.clock.advance(30);

    const { landing } = await signInAs("google", who, "/account");
    expect(landing.session).toBeUndefined();
    const url = new URL(landing.location);
    expect(url.pathname).toBe("/sign-in");
    expect(url.searchParams.get("next")).toBe("/account");
    const step = new URLSearchParams(url.hash.slice(1));
    expect(step.get("methods")).toBe("totp,recovery_code");
    const signedIn = await t.client().twoFactor.verifyCode.mutate({
      pendingToken: step.get("two_factor")!,
      code: code(),
    });
    const me = await t.client(signedIn.token).auth.me.query();
    expect(me.session).toMatchObject({ authMethod: "google+totp", twoFactor: true });
    expect(me.user.id).toBe(owner.user.id);
  });
});

describe("single sign-on enforcement", () => {
  it("does not let a provider sign in someone whose organization requires its own single sign-on", async () => {
    const { owner, orgId } = await orgOnDomain(t, "social-sso.example");
    expect(await personalOrg(owner)).toBe(orgId);
    await t.database.db
      .insertInto("sso_connections")
      .values({
        org_id: orgId,
        protocol: "oidc",
        enforced: true,
        oidc_issuer: idp.issuer,
        oidc_client_id: "x",
        created_at: t.clock(),
        updated_at: t.clock(),
      })
      .execute();
    const { landing } = await signInAs("google", someone({ email: "staff@social-sso.example" }));
    expect(refusedWith(landing)).toBe("SSO_REQUIRED");
    expect(await userByEmail("staff@social-sso.example")).toBeUndefined();
  });
});

// Password sign-in is untouched: a person's password still works next to linked identities.
it("keeps password sign-in working for an account with a linked identity", async () => {
  const owner = await verifiedPerson(t, "Both Ways");
  await signInAs("google", someone({ email: owner.email }));
  const { token } = await t.client().auth.signIn.mutate({ email: owner.email, password: PASSWORD });
  expect(await sessionMethod(token)).toBe("password");
});
