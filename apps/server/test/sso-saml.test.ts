import {
  type AnswerOverrides,
  startSamlProvider,
  type TestSamlProvider,
} from "@roster/testing/identity-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type TestServer } from "./helpers.js";
import { addMember, verifiedPerson } from "./people.js";
import { orgOnDomain, postToAcs, startSso, startSsoTestServer } from "./sso-helpers.js";

let t: TestServer;
let idp: TestSamlProvider;
beforeAll(async () => {
  t = await startSsoTestServer();
  idp = await startSamlProvider();
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

let counter = 0;

async function connectedOrg(defaultRole = "member") {
  const domain = `saml-${++counter}.example`;
  const org = await orgOnDomain(t, domain);
  await org.owner.client.sso.configure.mutate({
    orgId: org.orgId,
    protocol: "saml",
    entityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    certificate: idp.certificate,
    defaultRole,
  });
  return { ...org, domain };
}

const userByEmail = (email: string) =>
  t.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();

/** Starts a sign-in for `email` and has the provider answer it, made wrong as `overrides` say. */
async function answerFor(email: string, overrides: AnswerOverrides = {}) {
  const started = await startSso(t, email);
  expect(started.url.startsWith(idp.ssoUrl)).toBe(true);
  return idp.answer(started.url, overrides);
}

describe("SAML connection settings", () => {
  it("gives the ACS URL, entity ID and metadata; the metadata names them", async () => {
    const { owner, orgId } = await connectedOrg();
    const { connection, serviceProvider } = await owner.client.sso.get.query({ orgId });
    expect(connection).toMatchObject({
      protocol: "saml",
      oidc: null,
      saml: { entityId: idp.entityId, ssoUrl: idp.ssoUrl },
    });
    expect(serviceProvider).toMatchObject({
      acsUrl: `${t.url}/sso/saml/${orgId}/acs`,
      entityId: `${t.url}/sso/saml/${orgId}/metadata`,
      metadataUrl: `${t.url}/sso/saml/${orgId}/metadata`,
    });
    const metadata = await fetch(serviceProvider.metadataUrl);
    expect(metadata.headers.get("content-type")).toBe("application/samlmetadata+xml");
    const xml = await metadata.text();
    expect(xml).toContain(`entityID="${serviceProvider.entityId}"`);
    expect(xml).toContain(`Location="${serviceProvider.acsUrl}"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
  });

  it("refuses a certificate that is not one, and changes nothing", async () => {
    const { owner, orgId } = await orgOnDomain(t, `saml-${++counter}.example`);
    const refused = await failure(
      owner.client.sso.configure.mutate({
        orgId,
        protocol: "saml",
        entityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        certificate: "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----",
      }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", reason: "INVALID_SSO_SETTINGS" });
    expect((await owner.client.sso.get.query({ orgId })).connection).toBeNull();
  });
});

describe("signing in through a SAML provider", () => {
  it("provisions the person with the connection's role from a signed assertion, then finds them by NameID", async () => {
    const { owner, orgId, domain } = await connectedOrg("admin");
    const email = `ada@${domain}`;
    idp.signInAs({ subject: `ada-${domain}`, email, name: "Ada Lovelace" });
    const landing = await postToAcs(await answerFor(email));
    expect(landing).toMatchObject({ status: 303, location: `${t.url}/orgs/${orgId}` });
    const me = await t.client(landing.session).auth.me.query();
    expect(me.user).toMatchObject({ email, name: "Ada Lovelace", emailVerified: true });
    const permissions = await t.client(landing.session).orgs.permissions.query({ orgId });
    expect(permissions.role).toBe("admin");

    const again = await postToAcs(await answerFor(email));
    expect((await t.client(again.session).auth.me.query()).user.id).toBe(me.user.id);
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
  });

  it("lands on the page the sign-in started from", async () => {
    const { domain } = await connectedOrg();
    const email = `back@${domain}`;
    idp.signInAs({ subject: "back", email, name: "Back Again" });
    const started = await startSso(t, email, "/account");
    const landing = await postToAcs(idp.answer(started.url));
    expect(landing.location).toBe(`${t.url}/account`);
    // Another site is never a place to land.
    const elsewhere = await startSso(t, email, "//evil.example/");
    expect((await postToAcs(idp.answer(elsewhere.url))).location).toMatch(/\/orgs\/[0-9a-f-]+$/);
  });

  const refusals: [string, AnswerOverrides | "replay", string][] = [
    ["a forged signature (another key)", { forged: true }, "SSO_SIGNATURE_INVALID"],
    ["an unsigned assertion", { unsigned: true }, "SSO_SIGNATURE_INVALID"],
    ["an unsigned assertion in a signed envelope", { envelopeOnly: true }, "SSO_SIGNATURE_INVALID"],
    [
      "an assertion changed after signing",
      { tamperEmail: "intruder@elsewhere.example" },
      "SSO_SIGNATURE_INVALID",
    ],
    ["a wrong audience", { audience: "https://another-app.example/metadata" }, "SSO_AUDIENCE_MISMATCH"],
    [
      "an expired assertion",
      { notBefore: new Date(Date.now() - 20 * 60_000), notOnOrAfter: new Date(Date.now() - 10 * 60_000) },
      "SSO_ASSERTION_EXPIRED",
    ],
    [
      "an assertion not valid yet",
      { notBefore: new Date(Date.now() + 10 * 60_000) },
      "SSO_ASSERTION_EXPIRED",
    ],
    ["another recipient", { recipient: "https://another-app.example/acs" }, "SSO_RECIPIENT_MISMATCH"],
    ["another destination", { destination: "https://another-app.example/acs" }, "SSO_RECIPIENT_MISMATCH"],
    ["an answer to a request never made", { inResponseTo: "_never-requested" }, "SSO_RESPONSE_INVALID"],
    ["a replayed assertion", "replay", "SSO_ASSERTION_REPLAYED"],
  ];
  for (const [what, overrides, reason] of refusals) {
    it(`refuses ${what} with ${reason}, and signs nobody in`, async () => {
      const { orgId, domain } = await connectedOrg();
      const email = `refused@${domain}`;
      idp.signInAs({ subject: `refused-${domain}`, email, name: "Refused" });
      let answer = await answerFor(email, overrides === "replay" ? {} : overrides);
      if (overrides === "replay") {
        const used = await postToAcs(answer);
        expect(used.session).toBeTruthy();
        await t.database.db
          .deleteFrom("memberships")
          .where("org_id", "=", orgId)
          .where("user_id", "=", (await userByEmail(email))!.id)
          .execute();
        await t.database.db.deleteFrom("users").where("email", "=", email).execute();
        answer = { ...answer };
      }
      const landing = await postToAcs(answer);
      expect(landing).toMatchObject({ status: 303, location: `${t.url}/sign-in?sso_error=${reason}` });
      expect(landing.session).toBeUndefined();
      expect(await userByEmail(email)).toBeUndefined();
    });
  }

  it("refuses a replay sent with a new sign-in's RelayState", async () => {
    const { domain } = await connectedOrg();
    const email = `relay@${domain}`;
    idp.signInAs({ subject: "relay", email, name: "Relay" });
    const answer = await answerFor(email);
    expect((await postToAcs(answer)).session).toBeTruthy();
    const fresh = await startSso(t, email);
    const relayState = new URL(fresh.url).searchParams.get("RelayState") ?? "";
    const landing = await postToAcs({ ...answer, RelayState: relayState });
    expect(landing).toMatchObject({
      location: `${t.url}/sign-in?sso_error=SSO_ASSERTION_REPLAYED`,
      session: undefined,
    });
  });

  it("refuses a response posted to another organization's ACS URL", async () => {
    const a = await connectedOrg();
    const b = await connectedOrg();
    const email = `cross@${a.domain}`;
    idp.signInAs({ subject: "cross", email, name: "Cross" });
    const answer = await answerFor(email);
    const landing = await postToAcs({ ...answer, acsUrl: `${t.url}/sso/saml/${b.orgId}/acs` });
    expect(landing.session).toBeUndefined();
    expect(landing.location).toBe(`${t.url}/sign-in?sso_error=SSO_FLOW_INVALID`);
  });

  it("enforced: members on the domain must use SSO, owners keep their password", async () => {
    const { owner, orgId, domain } = await connectedOrg();
    const member = await verifiedPerson(t, "Saml Member", `member@${domain}`);
    await addMember(t, owner, orgId, member);
    await owner.client.sso.setEnforcement.mutate({ orgId, enforced: true });
    expect(
      await failure(t.client().auth.signIn.mutate({ email: member.email, password: member.password })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "SSO_REQUIRED" });
    await t.client().auth.signIn.mutate({ email: owner.email, password: owner.password });
    idp.signInAs({ subject: "member", email: member.email, name: "Saml Member" });
    const landing = await postToAcs(await answerFor(member.email));
    expect((await t.client(landing.session).auth.me.query()).user.id).toBe(member.user.id);
  });
});
