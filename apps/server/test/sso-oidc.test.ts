import { startOidcProvider, type TestOidcProvider } from "@roster/testing/identity-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type TestServer } from "./helpers.js";
import { addMember, verifiedPerson } from "./people.js";
import {
  followProviderRedirects,
  openCallback,
  orgOnDomain,
  passwordSignIn,
  startSso,
  startSsoTestServer,
} from "./sso-helpers.js";

let t: TestServer;
let idp: TestOidcProvider;
beforeAll(async () => {
  t = await startSsoTestServer();
  idp = await startOidcProvider({ redirectUris: [`${t.url}/sso/oidc/callback`] });
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

let counter = 0;
const freshDomain = () => `oidc-${++counter}.example`;

/** An organization on a fresh domain with the test provider connected. */
async function connectedOrg(defaultRole = "member") {
  const domain = freshDomain();
  const org = await orgOnDomain(t, domain);
  await org.owner.client.sso.configure.mutate({
    orgId: org.orgId,
    protocol: "oidc",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    defaultRole,
  });
  return { ...org, domain };
}

/** The whole browser round trip for `email`: start, the provider, back to Roster's callback. */
async function signInThroughProvider(email: string) {
  const started = await startSso(t, email);
  const callback = await followProviderRedirects(started.url, `${t.url}/sso/`);
  return { started, callback, landing: await openCallback(callback, started.flowCookie) };
}

const membership = (orgId: string, userId: string) =>
  t.database.db
    .selectFrom("memberships")
    .select(["role", "status"])
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .executeTakeFirst();

const userByEmail = (email: string) =>
  t.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();

const feedTypes = async (orgId: string) =>
  (
    await t.database.db
      .selectFrom("events")
      .select("type")
      .where("org_id", "=", orgId)
      .orderBy("seq")
      .execute()
  ).map((e) => e.type);

describe("OIDC connection settings", () => {
  it("keeps the client secret sealed and never returns it; values to paste into the provider are given", async () => {
    const { owner, orgId } = await connectedOrg();
    const settings = await owner.client.sso.get.query({ orgId });
    expect(settings.connection).toMatchObject({
      protocol: "oidc",
      enforced: false,
      defaultRole: "member",
      oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecretSet: true },
      saml: null,
    });
    expect(JSON.stringify(settings)).not.toContain(idp.clientSecret);
    expect(settings.serviceProvider.redirectUri).toBe(`${t.url}/sso/oidc/callback`);
    const row = await t.database.db
      .selectFrom("sso_connections")
      .select("oidc_client_secret_sealed")
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(row.oidc_client_secret_sealed).toMatch(/^v1\./);
    expect(row.oidc_client_secret_sealed).not.toContain(idp.clientSecret);

    // An update without a secret keeps the stored one (sign-in still works afterwards).
    await owner.client.sso.configure.mutate({
      orgId,
      protocol: "oidc",
      issuer: idp.issuer,
      clientId: idp.clientId,
      defaultRole: "viewer",
    });
    const { items } = await owner.client.audit.list.query({ orgId });
    const actions = items.map((i) => i.action);
    expect(actions).toContain("sso_connection.created");
    expect(actions).toContain("sso_connection.updated");
    expect(await feedTypes(orgId)).toEqual(
      expect.arrayContaining(["sso_connection.created", "sso_connection.updated"]),
    );
  });

  it("refuses a provider whose discovery document does not answer, and changes nothing", async () => {
    const domain = freshDomain();
    const { owner, orgId } = await orgOnDomain(t, domain);
    const refused = await failure(
      owner.client.sso.configure.mutate({
        orgId,
        protocol: "oidc",
        issuer: "http://127.0.0.1:9/nothing-here",
        clientId: "x",
        clientSecret: "y",
      }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", reason: "SSO_PROVIDER_UNREACHABLE" });
    expect((await owner.client.sso.get.query({ orgId })).connection).toBeNull();
  });

  it("is only for admins of the organization: members are refused, outsiders see nothing", async () => {
    const { owner, orgId } = await connectedOrg();
    const member = await verifiedPerson(t, "Plain Member");
    await addMember(t, owner, orgId, member, "member");
    const outsider = await verifiedPerson(t, "Outsider");
    const input = { orgId, protocol: "oidc" as const, issuer: idp.issuer, clientId: "other" };
    expect(await failure(member.client.sso.configure.mutate(input))).toMatchObject({
      reason: "PERMISSION_DENIED",
    });
    expect(await failure(member.client.sso.get.query({ orgId }))).toMatchObject({
      reason: "PERMISSION_DENIED",
    });
    expect(await failure(outsider.client.sso.delete.mutate({ orgId }))).toMatchObject({
      reason: "ORG_NOT_FOUND",
    });
    expect(await failure(outsider.client.sso.setEnforcement.mutate({ orgId, enforced: true }))).toMatchObject(
      {
        reason: "ORG_NOT_FOUND",
      },
    );
    expect((await owner.client.sso.get.query({ orgId })).connection?.oidc?.clientId).toBe(idp.clientId);
  });
});

describe("signing in through an OIDC provider", () => {
  it("provisions the account and the membership with the default role on first sign-in, and finds them again by subject", async () => {
    const { owner, orgId, domain } = await connectedOrg("viewer");
    const email = `grace@${domain}`;
    idp.signInAs({ subject: `sub-grace-${domain}`, email, name: "Grace Hopper" });
    const first = await signInThroughProvider(email);
    expect(first.landing.status).toBe(303);
    expect(first.landing.location).toBe(`${t.url}/orgs/${orgId}`);
    expect(first.landing.session).toBeTruthy();
    const me = await t.client(first.landing.session).auth.me.query();
    expect(me.user).toMatchObject({ email, name: "Grace Hopper", emailVerified: true });
    expect(await membership(orgId, me.user.id)).toEqual({ role: "viewer", status: "active" });
    const orgs = await t.client(first.landing.session).orgs.list.query();
    expect(orgs.map((o) => o.id)).toEqual([orgId]);

    // The provider renames the address: the subject still finds the same person.
    idp.signInAs({ subject: `sub-grace-${domain}`, email: `grace.hopper@${domain}`, name: "Grace Hopper" });
    const again = await signInThroughProvider(`grace@${domain}`);
    expect(again.landing.session).toBeTruthy();
    const meAgain = await t.client(again.landing.session).auth.me.query();
    expect(meAgain.user.id).toBe(me.user.id);

    const { items } = await owner.client.audit.list.query({
      orgId,
      targetType: "user",
      targetId: me.user.id,
    });
    expect(items.map((i) => i.action).reverse()).toEqual([
      "member.provisioned",
      "sso.signed_in",
      "sso.signed_in",
    ]);
    const events = await t.database.db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("org_id", "=", orgId)
      .where("type", "in", ["membership.joined", "sso.signed_in"])
      .orderBy("seq")
      .execute();
    const payloads = events.map((e) => ({
      type: e.type,
      data: (e.payload as { data: Record<string, unknown> }).data,
    }));
    expect(payloads.at(-3)).toMatchObject({
      type: "membership.joined",
      data: { via: "sso", role: "viewer" },
    });
    expect(payloads.at(-2)).toMatchObject({
      type: "sso.signed_in",
      data: { provisioned: { account: true, membership: true }, connection: { protocol: "oidc" } },
    });
    expect(payloads.at(-1)).toMatchObject({
      type: "sso.signed_in",
      data: { provisioned: { account: false, membership: false } },
    });

    // Signing out ends the session made by the provider's sign-in.
    await t.client(first.landing.session).auth.signOut.mutate();
    expect(await failure(t.client(first.landing.session).auth.me.query())).toMatchObject({
      reason: "INVALID_SESSION",
    });
  });

  it("matches a returning person by their confirmed address on the verified domain and adds the membership", async () => {
    const { orgId, domain } = await connectedOrg();
    const existing = await verifiedPerson(t, "Existing Person", `existing@${domain}`);
    idp.signInAs({ subject: "sub-existing", email: existing.email, name: "Someone Else" });
    const { landing } = await signInThroughProvider(existing.email);
    const me = await t.client(landing.session).auth.me.query();
    expect(me.user).toMatchObject({ id: existing.user.id, name: existing.user.name });
    expect(await membership(orgId, existing.user.id)).toEqual({ role: "member", status: "active" });
  });

  it("takes over an unconfirmed account on the domain: its password and sessions end", async () => {
    const { domain } = await connectedOrg();
    const squatter = await t.signUp("Waiting Account", `victim@${domain}`);
    idp.signInAs({ subject: "sub-victim", email: `victim@${domain}`, name: "Victim" });
    const { landing } = await signInThroughProvider(`victim@${domain}`);
    expect((await t.client(landing.session).auth.me.query()).user.id).toBe(squatter.user.id);
    expect(await failure(squatter.client.auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    expect(await passwordSignIn(t, `victim@${domain}`)).toBe("INVALID_CREDENTIALS");
  });

  it("refuses an address the provider gives outside the organization's verified domains", async () => {
    const { domain } = await connectedOrg();
    idp.signInAs({ subject: "sub-mallory", email: "mallory@elsewhere.example", name: "Mallory" });
    const { landing } = await signInThroughProvider(`someone@${domain}`);
    expect(landing).toMatchObject({ status: 303, session: undefined });
    expect(landing.location).toBe(`${t.url}/sign-in?sso_error=SSO_EMAIL_NOT_ALLOWED`);
    expect(await userByEmail("mallory@elsewhere.example")).toBeUndefined();
  });

  it("refuses a callback whose state is not the flow this browser started, and a flow used twice", async () => {
    const { domain } = await connectedOrg();
    const email = `state@${domain}`;
    idp.signInAs({ subject: "sub-state", email, name: "State Check" });
    const other = await startSso(t, email);
    const started = await startSso(t, email);
    const callback = await followProviderRedirects(started.url, `${t.url}/sso/`);
    // Another browser's flow cookie (login CSRF), then no cookie at all.
    expect(await openCallback(callback, other.flowCookie)).toMatchObject({
      location: `${t.url}/sign-in?sso_error=SSO_FLOW_INVALID`,
      session: undefined,
    });
    expect(await openCallback(callback, null)).toMatchObject({ session: undefined });
    // A state nobody issued.
    const forged = new URL(callback);
    forged.searchParams.set("state", "forgedstateforgedstatexx");
    expect(await openCallback(forged.toString(), "forgedstateforgedstatexx")).toMatchObject({
      location: `${t.url}/sign-in?sso_error=SSO_FLOW_INVALID`,
      session: undefined,
    });
    const landing = await openCallback(callback, started.flowCookie);
    expect(landing.session).toBeTruthy();
    expect(await openCallback(callback, started.flowCookie)).toMatchObject({
      location: `${t.url}/sign-in?sso_error=SSO_FLOW_INVALID`,
      session: undefined,
    });
    expect(await userByEmail(email)).toBeDefined();
  });

  it("refuses an ID token whose nonce is not the one this sign-in sent", async () => {
    const { domain } = await connectedOrg();
    const email = `nonce@${domain}`;
    idp.signInAs({ subject: "sub-nonce", email, name: "Nonce Check" });
    const started = await startSso(t, email);
    const callback = await followProviderRedirects(started.url, `${t.url}/sso/`);
    await t.database.db
      .updateTable("sso_flows")
      .set({ nonce: "a-nonce-this-provider-never-saw" })
      .where("id", "=", started.flowCookie)
      .execute();
    expect(await openCallback(callback, started.flowCookie)).toMatchObject({
      location: `${t.url}/sign-in?sso_error=SSO_NONCE_MISMATCH`,
      session: undefined,
    });
    expect(await userByEmail(email)).toBeUndefined();
  });

  it("answers SSO_NOT_AVAILABLE for an address no organization signs in through a provider", async () => {
    expect(await failure(t.client().sso.start.mutate({ email: "nobody@no-sso.example" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "SSO_NOT_AVAILABLE",
    });
  });

  it("respects the seat limit: a first sign-in into a full organization is refused with SEAT_LIMIT", async () => {
    const { orgId, domain } = await connectedOrg();
    await t.database.db.updateTable("organizations").set({ seat_limit: 1 }).where("id", "=", orgId).execute();
    const email = `full@${domain}`;
    idp.signInAs({ subject: "sub-full", email, name: "No Seat" });
    const { landing } = await signInThroughProvider(email);
    expect(landing).toMatchObject({ location: `${t.url}/sign-in?sso_error=SEAT_LIMIT`, session: undefined });
    expect(await userByEmail(email)).toBeUndefined();
  });

  it("respects the single-organization policy: a person already elsewhere is refused with SINGLE_ORGANIZATION", async () => {
    const { domain } = await connectedOrg();
    const elsewhere = await verifiedPerson(t, "Already Elsewhere", `elsewhere@${domain}`);
    t.config.singleOrganization = true;
    try {
      idp.signInAs({ subject: "sub-elsewhere", email: elsewhere.email, name: "Already Elsewhere" });
      const { landing } = await signInThroughProvider(elsewhere.email);
      expect(landing).toMatchObject({
        location: `${t.url}/sign-in?sso_error=SINGLE_ORGANIZATION`,
        session: undefined,
      });
    } finally {
      t.config.singleOrganization = false;
    }
  });

  it("refuses a deactivated member", async () => {
    const { owner, orgId, domain } = await connectedOrg();
    const member = await verifiedPerson(t, "Deactivated", `deactivated@${domain}`);
    await addMember(t, owner, orgId, member);
    await owner.client.members.deactivate.mutate({ orgId, userId: member.user.id });
    idp.signInAs({ subject: "sub-deactivated", email: member.email, name: "Deactivated" });
    const { landing } = await signInThroughProvider(member.email);
    expect(landing).toMatchObject({
      location: `${t.url}/sign-in?sso_error=MEMBERSHIP_DEACTIVATED`,
      session: undefined,
    });
  });

  it("tests the connection without signing anyone in", async () => {
    const { owner, orgId, domain } = await connectedOrg();
    const res = await fetch(`${t.url}/trpc/sso.test`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ orgId }),
    });
    const body = (await res.json()) as { result: { data: { url: string } } };
    const flow = res.headers.getSetCookie().find((c) => c.startsWith("roster_sso_flow="));
    const flowCookie = flow?.split(";")[0]?.split("=")[1] ?? "";
    const email = `tester@${domain}`;
    idp.signInAs({ subject: "sub-tester", email, name: "Tester" });
    const callback = await followProviderRedirects(body.result.data.url, `${t.url}/sso/`);
    const landing = await openCallback(callback, flowCookie);
    expect(landing.location).toBe(
      `${t.url}/orgs/${orgId}/security?sso_test=ok&sso_email=${encodeURIComponent(email)}`,
    );
    expect(landing.session).toBeUndefined();
    expect(await userByEmail(email)).toBeUndefined();
  });
});

describe("enforcing single sign-on", () => {
  it("refuses password sign-in to members on the domain, lets owners recover, and lifts when switched off", async () => {
    const { owner, orgId, domain } = await connectedOrg();
    const member = await verifiedPerson(t, "Enforced Member", `enforced@${domain}`);
    await addMember(t, owner, orgId, member);
    const outsider = await verifiedPerson(t, "Other Domain");
    await owner.client.sso.setEnforcement.mutate({ orgId, enforced: true });

    expect(await passwordSignIn(t, member.email)).toBe("SSO_REQUIRED");
    // A wrong password is still just wrong credentials: nothing is said before the password matches.
    expect(
      await failure(t.client().auth.signIn.mutate({ email: member.email, password: "not the password" })),
    ).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    expect(await passwordSignIn(t, owner.email)).toBe("OK");
    expect(await passwordSignIn(t, outsider.email)).toBe("OK");
    // …and SSO itself still signs the member in.
    idp.signInAs({ subject: "sub-enforced", email: member.email, name: "Enforced Member" });
    expect((await signInThroughProvider(member.email)).landing.session).toBeTruthy();

    await owner.client.sso.setEnforcement.mutate({ orgId, enforced: false });
    expect(await passwordSignIn(t, member.email)).toBe("OK");
    const events = await feedTypes(orgId);
    expect(events.filter((e) => e === "sso_connection.updated")).toHaveLength(2);

    await owner.client.sso.delete.mutate({ orgId });
    expect((await owner.client.sso.get.query({ orgId })).connection).toBeNull();
    expect(await feedTypes(orgId)).toContain("sso_connection.deleted");
    expect(await failure(t.client().sso.start.mutate({ email: member.email }))).toMatchObject({
      reason: "SSO_NOT_AVAILABLE",
    });
  });
});
