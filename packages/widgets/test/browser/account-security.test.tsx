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

  it("tells a person using an embed token to change account security in Roster itself", async () => {
    withRoster(roster.tokens.viewer, <AccountSecurity />);
    await expect
      .element(page.getByRole("region", { name: "Account security" }))
      .toHaveTextContent("can only be changed while signed in to Roster itself");
    await expect
      .element(page.getByRole("button", { name: "Set up an authenticator app" }))
      .not.toBeInTheDocument();
  });
});
