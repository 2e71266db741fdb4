import { createRosterClient } from "@roster/sdk";
import {
  startOidcProvider,
  startSamlProvider,
  type TestOidcProvider,
  type TestSamlProvider,
} from "@roster/testing/identity-providers";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, confirmEmail, password, type Stage, signUp, snap, startStage } from "./harness.js";

let stage: Stage;
let oidc: TestOidcProvider;
let saml: TestSamlProvider;

beforeAll(async () => {
  stage = await startStage();
  oidc = await startOidcProvider({ redirectUris: [`${stage.url}/sso/oidc/callback`] });
  saml = await startSamlProvider();
});
afterAll(async () => {
  await oidc?.close();
  await saml?.close();
  await stage?.close();
});

/** An owner signs up on `domain` in the browser; the domain is verified by their confirmed address. */
async function ownerOnDomain(
  name: string,
  domain: string,
): Promise<{ page: Page; orgPath: string; orgId: string }> {
  const { page } = await stage.person(name);
  const email = `${name.toLowerCase()}@${domain}`;
  const orgPath = await signUp(page, name, email);
  await confirmEmail(stage, page, email);
  const orgId = orgPath.split("/")[2]!;
  const { token } = await createRosterClient({ url: stage.url }).auth.signIn.mutate({ email, password });
  const owner = createRosterClient({ url: stage.url, token });
  const added = await owner.domains.add.mutate({ orgId, domain });
  await owner.domains.verify.mutate({ orgId, domainId: added.id, method: "email" });
  return { page, orgPath, orgId };
}

const roleOf = async (orgId: string, email: string) =>
  (
    await stage.database.db
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select("m.role")
      .where("m.org_id", "=", orgId)
      .where("u.email", "=", email)
      .executeTakeFirst()
  )?.role;

/** A new person types their address on the sign-in page and continues with SSO. */
async function signInWithSso(email: string): Promise<Page> {
  const { page } = await stage.person(email);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue with SSO" }).click();
  return page;
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Roster" }).waitFor();
  // The session is gone: the app sends the person back to sign in.
  await page.goto("/");
  await page.getByRole("heading", { name: "Sign in to Roster" }).waitFor();
}

describe("single sign-on in a browser", () => {
  it("an admin connects an OIDC provider; a person signs in through it into the organization with the default role, and out", async () => {
    const admin = await ownerOnDomain("Olga", "oidc-web.example");
    await admin.page.goto(`${admin.orgPath}/security`);
    const section = admin.page.getByRole("form", { name: "Single sign-on" });
    await expect
      .poll(() => section.getByLabel("Redirect URI", { exact: true }).inputValue())
      .toBe(`${stage.url}/sso/oidc/callback`);
    await section.getByLabel("Issuer URL").fill(oidc.issuer);
    await section.getByLabel("Client ID").fill(oidc.clientId);
    await section.getByLabel("Client secret").fill(oidc.clientSecret);
    await section.getByLabel("Role of people who join through single sign-on").selectOption("viewer");
    await section.getByRole("button", { name: "Connect identity provider" }).click();
    await section.getByRole("button", { name: "Test connection" }).waitFor();
    await accessible(admin.page, "sso-settings-oidc");

    const email = "pat@oidc-web.example";
    oidc.signInAs({ subject: "pat-oidc", email, name: "Pat Oidc" });
    const page = await signInWithSso(email);
    await page.getByRole("heading", { level: 1, name: "Olga's organization" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(admin.orgPath);
    await page.getByRole("link", { name: "Pat Oidc" }).waitFor();
    expect(await roleOf(admin.orgId, email)).toBe("viewer");
    await snap(page, "sso-oidc-signed-in");
    await signOut(page);
  });

  it("an admin connects a SAML provider; a person signs in through it into the organization with the default role, and out", async () => {
    const admin = await ownerOnDomain("Sven", "saml-web.example");
    await admin.page.goto(`${admin.orgPath}/security`);
    const section = admin.page.getByRole("form", { name: "Single sign-on" });
    await section.getByLabel("Protocol").selectOption("saml");
    await expect
      .poll(() => section.getByLabel("ACS URL", { exact: true }).inputValue())
      .toBe(`${stage.url}/sso/saml/${admin.orgId}/acs`);
    await section.getByLabel("Identity provider entity ID").fill(saml.entityId);
    await section.getByLabel("Identity provider sign-in URL").fill(saml.ssoUrl);
    await section.getByLabel("Signing certificate").fill(saml.certificate);
    await section.getByLabel("Role of people who join through single sign-on").selectOption("admin");
    await section.getByRole("button", { name: "Connect identity provider" }).click();
    await section.getByRole("button", { name: "Test connection" }).waitFor();
    await accessible(admin.page, "sso-settings-saml");

    const email = "sam@saml-web.example";
    saml.signInAs({ subject: "sam-saml", email, name: "Sam Saml" });
    const page = await signInWithSso(email);
    await page.getByRole("heading", { level: 1, name: "Sven's organization" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(admin.orgPath);
    expect(await roleOf(admin.orgId, email)).toBe("admin");
    // An admin sees the admin's tabs.
    await page.getByRole("link", { name: "Settings" }).waitFor();
    await snap(page, "sso-saml-signed-in");
    await signOut(page);
  });

  it("shows why single sign-on is not available, and why a returning sign-in was refused", async () => {
    const { page } = await stage.person("nobody");
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("someone@no-sso.example");
    await page.getByRole("button", { name: "Continue with SSO" }).click();
    await page.getByText("Single sign-on is not set up for this email address.").waitFor();
    await page.goto("/sign-in?sso_error=SSO_ASSERTION_REPLAYED");
    await page.getByText("This sign-in answer was already used. Sign in again.").waitFor();
  });
});
