import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { AccountSecurity } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");
const as = (token: string) => createRosterClient({ url: roster.url, token });
const password = "correct horse battery staple";

afterEach(cleanup);

describe("AccountSecurity against a real Roster server", () => {
  it("signs out the other sessions, then sets up an authenticator and shows ten recovery codes", async () => {
    const email = `sam-${Date.now()}@widgets.example`;
    const { token } = await as("").auth.signUp.mutate({ email, password, name: "Sam Secure" });
    const other = await as("").auth.signIn.mutate({ email, password });
    if (!("token" in other)) throw new Error("A second sign-in should open a session.");

    withRoster(token, <AccountSecurity />);
    const region = page.getByRole("region", { name: "Account security" });
    await expect.element(region).toHaveTextContent("Two-factor sign-in Off");
    await expect.element(region.getByText("No passkeys yet.")).toBeVisible();
    const sessions = page.getByRole("region", { name: "Where you are signed in" });
    await expect.element(sessions.getByRole("listitem")).toHaveLength(2);
    await expect.element(sessions.getByText("This device")).toBeVisible();
    await expect.element(sessions).toHaveTextContent(/Chrome \d+ on Linux/);

    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Signed out of 1 other session.");
    await expect.element(sessions.getByRole("listitem")).toHaveLength(1);
    await expect(as(other.token).auth.sessions.query()).rejects.toThrow();

    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await expect.element(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    const secret = (await page.getByText(/^[A-Z2-7]{16,}$/).element().textContent) ?? "";
    const code = generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);
    await page.getByLabelText("Code from your authenticator app").fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();

    const codes = page.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem");
    await expect.element(codes).toHaveLength(10);
    await expect.element(page.getByRole("status")).toHaveTextContent("Two-factor sign-in is on.");
    await expect.element(region).toHaveTextContent("Two-factor sign-in On");
    await expect.element(region).toHaveTextContent("10 recovery codes left");
    const status = await as(token).twoFactor.status.query();
    expect(status).toMatchObject({ totp: true, enabled: true, recoveryCodesLeft: 10 });
  });

  it("changes the password: the old one no longer signs in, the new one does", async () => {
    const email = `pat-${Date.now()}@widgets.example`;
    const { token } = await as("").auth.signUp.mutate({ email, password, name: "Pat Password" });
    const other = await as("").auth.signIn.mutate({ email, password });
    if (!("token" in other)) throw new Error("A second sign-in should open a session.");
    const next = "a brand new passphrase";

    withRoster(token, <AccountSecurity />);
    const form = page.getByRole("form", { name: "Password" });
    await form.getByLabelText("Current password").fill(password);
    await form.getByLabelText("New password", { exact: true }).fill(next);
    await form.getByLabelText("New password again").fill(`${next}!`);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect
      .element(form.getByRole("alert"))
      .toHaveTextContent("The two new passwords are not the same.");

    await form.getByLabelText("New password again").fill(next);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("Your password was changed. 1 other session was signed out.");
    await expect.element(form.getByLabelText("Current password")).toHaveValue("");
    await expect.element(form.getByLabelText("New password", { exact: true })).toHaveValue("");
    await expect.element(form.getByLabelText("New password again")).toHaveValue("");

    await expect(as("").auth.signIn.mutate({ email, password })).rejects.toMatchObject({
      data: { reason: "INVALID_CREDENTIALS" },
    });
    const signedIn = await as("").auth.signIn.mutate({ email, password: next });
    expect(signedIn).toHaveProperty("token");
    // This session stays; the other one was ended.
    await expect(as(token).auth.me.query()).resolves.toHaveProperty("user.email", email);
    await expect(as(other.token).auth.sessions.query()).rejects.toThrow();
  });

  it("refuses a wrong current password beside that field, in the person's language, and changes nothing", async () => {
    const email = `wren-${Date.now()}@widgets.example`;
    const { token } = await as("").auth.signUp.mutate({ email, password, name: "Wren Wrong" });

    withRoster(token, <AccountSecurity />, { locale: "fr" });
    const form = page.getByRole("form", { name: "Mot de passe" });
    await form.getByLabelText("Mot de passe actuel").fill("not my password at all");
    await form.getByLabelText("Nouveau mot de passe", { exact: true }).fill("a brand new passphrase");
    await form.getByLabelText("Nouveau mot de passe, à nouveau").fill("a brand new passphrase");
    await form.getByRole("button", { name: "Changer le mot de passe" }).click();
    const alert = form.getByRole("alert");
    await expect.element(alert).toHaveTextContent("Ce mot de passe est incorrect.");
    await expect
      .element(form.getByLabelText("Mot de passe actuel"))
      .toHaveAccessibleDescription(/Ce mot de passe est incorrect/);
    await expect.element(form.getByLabelText("Mot de passe actuel")).toHaveAttribute("aria-invalid", "true");

    await expect(as("").auth.signIn.mutate({ email, password })).resolves.toHaveProperty("token");
    await expect(
      as("").auth.signIn.mutate({ email, password: "a brand new passphrase" }),
    ).rejects.toMatchObject({ data: { reason: "INVALID_CREDENTIALS" } });
  });

  it("lists a linked Google account, links GitHub by going to GitHub, and unlinks Google", async () => {
    const navigated: string[] = [];
    withRoster(roster.tokens.linked, <AccountSecurity navigate={(url) => navigated.push(url)} />);
    const section = page.getByRole("region", { name: "Linked accounts" });
    const google = section.getByRole("listitem");
    await expect.element(google).toHaveTextContent("Google");
    await expect.element(google).toHaveTextContent("lee@gmail.example");
    await expect.element(google).toHaveTextContent("Linked");
    // Google is linked already; GitHub is configured and not linked; Microsoft is not configured.
    await expect
      .element(section.getByRole("button", { name: "Link Google", exact: true }))
      .not.toBeInTheDocument();
    await expect
      .element(section.getByRole("button", { name: "Link Microsoft", exact: true }))
      .not.toBeInTheDocument();

    await section.getByRole("button", { name: "Link GitHub" }).click();
    await expect.poll(() => navigated).toHaveLength(1);
    const url = new URL(navigated[0] ?? "");
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("widgets-github-client");
    expect(url.searchParams.get("redirect_uri")).toBe("http://roster.test/auth/social/github/callback");

    await section.getByRole("button", { name: "Unlink Google" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("Google (lee@gmail.example) was unlinked.");
    await expect.element(section.getByText("No linked accounts yet.")).toBeVisible();
    await expect.element(section.getByRole("button", { name: "Link Google", exact: true })).toBeVisible();
    expect(await as(roster.tokens.linked).auth.identities.query()).toEqual([]);
  });

  it("keeps the only way into an account linked, saying why in the person's language; no password to change", async () => {
    withRoster(roster.tokens.googleOnly, <AccountSecurity />, { locale: "de" });
    const section = page.getByRole("region", { name: "Verknüpfte Konten" });
    await expect.element(section.getByRole("listitem")).toHaveTextContent("sol@gmail.example");
    await section.getByRole("button", { name: "Google-Verknüpfung lösen" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("Dies ist Ihre einzige Anmeldemöglichkeit.");
    await expect.element(section.getByRole("listitem")).toHaveTextContent("sol@gmail.example");
    // An account without a password has nothing to change there.
    await expect.element(page.getByRole("heading", { name: "Zwei-Faktor-Anmeldung" })).toBeVisible();
    await expect.element(page.getByRole("form", { name: "Passwort" })).not.toBeInTheDocument();
    expect(await as(roster.tokens.googleOnly).auth.identities.query()).toHaveLength(1);
  });

  it("tells a person using an embed token to change account security in Roster itself", async () => {
    withRoster(roster.tokens.viewer, <AccountSecurity />);
    await expect
      .element(page.getByRole("region", { name: "Account security" }))
      .toHaveTextContent("can only be changed while signed in to Roster itself");
    await expect.element(page.getByRole("region", { name: "Linked accounts" })).not.toBeInTheDocument();
    await expect.element(page.getByRole("form", { name: "Password" })).not.toBeInTheDocument();
    // Google and GitHub are offered (a public list): give their answer time to arrive before
    // checking that no control to link them, or any other, is shown.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const name of ["Set up an authenticator app", "Change password", "Link Google", "Link GitHub"]) {
      expect(page.getByRole("button", { name, exact: true }).query()).toBeNull();
    }
    expect(page.getByLabelText("Current password").query()).toBeNull();
  });
});
