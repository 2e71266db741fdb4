import { freePort } from "@roster/testing";
import { startOidcProvider, type TestOidcProvider } from "@roster/testing/identity-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, type Stage, snap, startStage } from "./harness.js";

let stage: Stage;
let idp: TestOidcProvider;

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The loopback provider stands in for Google and GitHub; it shows its sign-in and consent pages.
  idp = await startOidcProvider({
    redirectUris: [`${url}/auth/social/google/callback`, `${url}/auth/social/github/callback`],
    interactive: true,
  });
  stage = await startStage(
    {
      GOOGLE_CLIENT_ID: idp.clientId,
      GOOGLE_CLIENT_SECRET: idp.clientSecret,
      GITHUB_CLIENT_ID: idp.clientId,
      GITHUB_CLIENT_SECRET: idp.clientSecret,
      SOCIAL_TEST_PROVIDER_URL: idp.issuer,
    },
    { port },
  );
});
afterAll(async () => {
  await stage?.close();
  await idp?.close();
});

describe("sign-in with Google, GitHub and Microsoft", () => {
  it("signs in through the loopback provider as Google, then links GitHub and unlinks Google from account security", async () => {
    const { page } = await stage.person("gwen");
    await page.goto("/sign-in");
    // Only the configured providers have a button.
    await page.getByRole("link", { name: "Continue with Google" }).waitFor();
    expect(await page.getByRole("link", { name: "Continue with Microsoft" }).count()).toBe(0);
    await accessible(page, "social-sign-in");

    idp.signInAs({ subject: "gwen-google", email: "gwen@social-web.example", name: "Gwen Google" });
    await page.getByRole("link", { name: "Continue with Google" }).click();
    await page.getByRole("heading", { name: "Sign in to the test provider" }).waitFor();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Allow Roster to use your account?" }).waitFor();
    await page.getByRole("button", { name: "Allow" }).click();

    // Back in Roster, signed in, on the dashboard of the new account's organization.
    await page.getByRole("link", { name: "Gwen Google" }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/orgs\//);
    await snap(page, "social-signed-in");

    await page.goto("/account");
    const linked = page.getByRole("region", { name: "Linked accounts" });
    await linked.getByRole("listitem", { name: "Google gwen@social-web.example" }).waitFor();
    // Google is the account's only way in: unlinking it is refused.
    await linked.getByRole("button", { name: "Unlink Google gwen@social-web.example" }).click();
    await page
      .getByText(/only way to sign in/)
      .first()
      .waitFor();

    // Linking GitHub gives it another; then Google can go.
    await linked.getByRole("button", { name: "Link GitHub" }).click();
    const allow = page.getByRole("button", { name: "Allow" });
    const back = page.getByText("Your GitHub account is linked.");
    await allow.or(back).first().waitFor();
    if (await allow.isVisible()) await allow.click();
    await back.waitFor();
    await accessible(page, "social-linked-accounts");
    await page
      .getByRole("region", { name: "Linked accounts" })
      .getByRole("button", { name: "Unlink Google gwen@social-web.example" })
      .click();
    await page.getByText("Account unlinked.").waitFor();
    await expect
      .poll(() => page.getByRole("region", { name: "Linked accounts" }).getByRole("listitem").count())
      .toBe(1);
    await snap(page, "social-unlinked");
  });
});
