import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { SecurityPolicies } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";
import { freshTeam } from "./team.js";

const roster = inject("roster");
const as = (token: string) => createRosterClient({ url: roster.url, token });
const password = "correct horse battery staple";

afterEach(cleanup);

/** An owner signed in with a password (a session of their own, without two-factor) and a new organization. */
async function ownerWithOrg(name: string) {
  const email = `${name.toLowerCase()}-${Date.now()}@widgets.example`;
  const { token } = await as("").auth.signUp.mutate({ email, password, name });
  const org = await as(token).orgs.create.mutate({ name: `${name} Policies` });
  return { token, orgId: org.id, api: as(token) };
}

const region = () => page.getByRole("region", { name: "Sign-in policies" });

describe("SecurityPolicies against a real Roster server", () => {
  it("saves the session limits and accepted methods, which a reload shows again", async () => {
    const { token, orgId, api } = await ownerWithOrg("Sol");
    withRoster(token, <SecurityPolicies orgId={orgId} />);
    const lifetime = region().getByRole("textbox", { name: "Session lifetime (minutes)" });
    await expect.element(lifetime).toHaveValue("");
    await lifetime.fill("480");
    await region().getByRole("textbox", { name: "Idle timeout (minutes)" }).fill("30");
    for (const method of ["Google", "GitHub", "Microsoft"])
      await region().getByRole("checkbox", { name: method, exact: true }).click();

    // Leaving out the way the owner signed in is refused, beside the methods, naming it.
    await region().getByRole("checkbox", { name: "Password", exact: true }).click();
    await region().getByRole("button", { name: "Save sign-in policy" }).click();
    await expect
      .element(region().getByRole("alert"))
      .toHaveTextContent("You signed in with a password, which this policy would not accept.");
    expect((await api.orgs.get.query({ orgId })).allowedSignInMethods).toBeNull();

    await region().getByRole("checkbox", { name: "Password", exact: true }).click();
    await region().getByRole("button", { name: "Save sign-in policy" }).click();
    await expect.element(region().getByRole("status")).toHaveTextContent("Sign-in policy saved.");
    expect(await api.orgs.get.query({ orgId })).toMatchObject({
      sessionMaxAgeMinutes: 480,
      idleTimeoutMinutes: 30,
      allowedSignInMethods: ["password", "passkey", "sso"],
    });

    cleanup();
    withRoster(token, <SecurityPolicies orgId={orgId} />);
    await expect
      .element(region().getByRole("textbox", { name: "Session lifetime (minutes)" }))
      .toHaveValue("480");
    await expect.element(region().getByRole("textbox", { name: "Idle timeout (minutes)" })).toHaveValue("30");
    await expect.element(region().getByRole("checkbox", { name: "Passkey", exact: true })).toBeChecked();
    await expect.element(region().getByRole("checkbox", { name: "Google", exact: true })).not.toBeChecked();
  });

  it("shows a limit out of bounds beside its field and changes nothing", async () => {
    const { token, orgId, api } = await ownerWithOrg("Lou");
    await api.orgs.setSignInPolicy.mutate({ orgId, sessionMaxAgeMinutes: 600 });
    withRoster(token, <SecurityPolicies orgId={orgId} />);
    const lifetime = region().getByRole("textbox", { name: "Session lifetime (minutes)" });
    await expect.element(lifetime).toHaveValue("600");
    await lifetime.fill("10");
    await region().getByRole("textbox", { name: "Idle timeout (minutes)" }).fill("45");
    await region().getByRole("button", { name: "Save sign-in policy" }).click();
    await expect.element(lifetime).toHaveAttribute("aria-invalid", "true");
    await expect
      .element(lifetime)
      .toHaveAccessibleDescription(/The session lifetime is at least 15 minutes\./);
    // Said once, beside the field: not again below the form.
    expect(region().getByRole("status").element().textContent).toBe("");
    expect(await api.orgs.get.query({ orgId })).toMatchObject({
      sessionMaxAgeMinutes: 600,
      idleTimeoutMinutes: null,
    });
  });

  it("refuses to require two-factor of members from an owner without it, and leaves it off", async () => {
    const { token, orgId, api } = await ownerWithOrg("Tam");
    withRoster(token, <SecurityPolicies orgId={orgId} />);
    const toggle = region().getByRole("checkbox", { name: "Members must use two-factor sign-in" });
    await expect.element(toggle).not.toBeChecked();
    await toggle.click();
    await expect
      .element(region().getByRole("alert"))
      .toHaveTextContent(
        "Nothing was changed: turn on two-factor sign-in for your own account and sign in with it before requiring it of members.",
      );
    await expect.element(toggle).not.toBeChecked();
    await expect.element(toggle).toBeEnabled();
    expect((await api.orgs.get.query({ orgId })).requireTwoFactor).toBe(false);
  });

  it("shows a member without org:update no controls", async () => {
    const { org } = await freshTeam("Policies Members");
    const container = withRoster(roster.tokens.viewer, <SecurityPolicies orgId={org.id} />);
    await expect
      .element(region().getByText("Your role does not allow changing sign-in policies."))
      .toBeVisible();
    expect(container.querySelectorAll("button, input, select, textarea")).toHaveLength(0);
  });
});
