import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { Security } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";
import { freshTeam } from "./team.js";

const roster = inject("roster");
const as = (token: string) => createRosterClient({ url: roster.url, token });

afterEach(cleanup);

describe("Security against a real Roster server", () => {
  it("gives an admin the identity provider's values to copy", async () => {
    withRoster(roster.tokens.jo, <Security orgId={roster.orgs.joiners} />);
    const sso = page.getByRole("region", { name: "Single sign-on" });
    const redirect = sso.getByRole("textbox", { name: "Redirect URI", exact: true });
    await expect.element(redirect).toHaveValue("http://roster.test/sso/oidc/callback");
    await sso.getByRole("button", { name: "Copy Redirect URI" }).click();
    await expect.element(sso.getByRole("status")).toHaveTextContent("Copied.");
    expect(await navigator.clipboard.readText()).toBe("http://roster.test/sso/oidc/callback");
    await sso.getByRole("combobox", { name: "Protocol" }).selectOptions("saml");
    await expect
      .element(sso.getByRole("textbox", { name: "ACS URL", exact: true }))
      .toHaveValue(`http://roster.test/sso/saml/${roster.orgs.joiners}/acs`);
  });

  it("creates a SCIM token shown once, lists it masked, and revokes it", async () => {
    withRoster(roster.tokens.jo, <Security orgId={roster.orgs.joiners} />);
    const scim = page.getByRole("region", { name: "SCIM provisioning" });
    await expect
      .element(scim.getByRole("textbox", { name: "Base URL", exact: true }))
      .toHaveValue("http://roster.test/scim/v2");
    await scim.getByRole("textbox", { name: "Token name" }).fill("Okta");
    await scim.getByRole("button", { name: "Create token" }).click();
    await expect
      .element(scim.getByRole("status"))
      .toHaveTextContent("Token Okta created. Copy it now: it is shown only once.");
    const shown = scim.getByRole("textbox", { name: "New token", exact: true });
    await expect.element(shown).toBeVisible();
    const token = (shown.element() as HTMLInputElement).value;
    expect(token).toMatch(/^rsc_[a-z2-9]+_[a-z2-9]+$/);
    const listed = await as(roster.tokens.jo).scim.get.query({ orgId: roster.orgs.joiners });
    const okta = listed.tokens.find((t) => t.name === "Okta");
    expect(okta?.revokedAt).toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    await scim.getByRole("button", { name: "Revoke Okta" }).click();
    await expect
      .element(scim.getByRole("status"))
      .toHaveTextContent("Okta was revoked. Calls with it are refused from now on.");
    const after = await as(roster.tokens.jo).scim.get.query({ orgId: roster.orgs.joiners });
    expect(after.tokens.find((t) => t.id === okta?.id)?.revokedAt).not.toBeNull();
  });

  it("shows a member no admin controls", async () => {
    const { org, victor } = await freshTeam("Security Members");
    expect(victor).toBeTruthy();
    const container = withRoster(roster.tokens.viewer, <Security orgId={org.id} />);
    await expect.element(page.getByText("Your role does not allow managing single sign-on.")).toBeVisible();
    await expect.element(page.getByText("Your role does not allow managing provisioning.")).toBeVisible();
    expect(container.querySelectorAll("button, input, select, textarea")).toHaveLength(0);
  });
});
