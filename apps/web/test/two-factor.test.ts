import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { createRosterClient } from "@roster/sdk";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, mailLink, password, type Stage, signUp, snap, startStage } from "./harness.js";

let stage: Stage;
beforeAll(async () => {
  // localhost, not 127.0.0.1: a passkey's relying party is a domain name.
  stage = await startStage({}, { host: "localhost" });
});
afterAll(async () => {
  await stage?.close();
});

/** What an authenticator app with this key shows, `offset` 30-second steps from now. */
function totp(secret: string, offset = 0): string {
  const step = Math.floor(Date.now() / 30_000) + offset;
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), 6);
}

/** Sets up the authenticator app on the page showing it; answers its key. */
async function enrollTotp(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await page.getByRole("img", { name: "QR code to add Roster to your authenticator app" }).waitFor();
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  await page.getByLabel("Code from the app").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect
    .poll(() => page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count())
    .toBe(10);
  await page.getByRole("button", { name: "I saved them" }).click();
  return secret;
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Roster" }).waitFor();
}

describe("two-factor sign-in in the web app", () => {
  it("enrolls an authenticator app and then signs in with its code", async () => {
    const { page } = await stage.person("tess");
    const orgPath = await signUp(page, "Tess", "tess@example.com");
    await page.goto("/account");
    const secret = await enrollTotp(page);
    await page.getByText("On. 10 recovery code(s) left.").waitFor();
    await accessible(page, "account-two-factor-on");

    await page.goto("/");
    await signOut(page);
    await page.getByLabel("Email").fill("tess@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
    await snap(page, "two-factor-code-step");
    // A wrong code is refused, with a sentence saying what to do.
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").getByText("That code is not right").waitFor();
    // The code that turned it on is spent: the app's next one signs in.
    await page.getByLabel("Authentication code").fill(totp(secret, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { level: 1, name: "Tess's organization" }).waitFor();

    // Signed in with two factors, the owner can require them of the organization's members.
    await page.goto(`${orgPath}/security`);
    const policy = page.getByLabel("Members must use two-factor sign-in");
    await policy.click();
    await page.getByText("Members now need two-factor sign-in.").waitFor();
    await expect.poll(() => policy.isChecked()).toBe(true);
    await accessible(page, "security-two-factor-policy");

    // The sign-in policy: limits within bounds, and never one that leaves out the owner's own way in.
    const lifetime = page.getByLabel("Session lifetime (minutes)");
    await lifetime.fill("10");
    await page.getByRole("button", { name: "Save sign-in policy" }).click();
    await page.getByText("The session lifetime is at least 15 minutes.").waitFor();
    await lifetime.fill("480");
    await page.getByLabel("Idle timeout (minutes)").fill("30");
    await page.getByRole("checkbox", { name: "Password" }).uncheck();
    await page.getByRole("button", { name: "Save sign-in policy" }).click();
    await page
      .getByText("You signed in with a password, which this policy would not accept.", { exact: false })
      .waitFor();
    await page.getByRole("checkbox", { name: "Password" }).check();
    await page.getByRole("checkbox", { name: "Google" }).uncheck();
    await page.getByRole("button", { name: "Save sign-in policy" }).click();
    await page.getByText("Sign-in policy saved.").waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel("Session lifetime (minutes)").inputValue()).toBe("480");
    await expect.poll(() => page.getByRole("checkbox", { name: "Google" }).isChecked()).toBe(false);
    await accessible(page, "security-sign-in-policy");

    // A session older than the lifetime is asked to sign in again there, and continues after it.
    const { id: tessId } = await stage.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "tess@example.com")
      .executeTakeFirstOrThrow();
    await stage.database.db
      .updateTable("sessions")
      .set({ created_at: new Date(Date.now() - 9 * 60 * 60 * 1000) })
      .where("user_id", "=", tessId)
      .execute();
    await page.goto(`${orgPath}/members`);
    await page.getByRole("heading", { name: "Tess's organization asks you to sign in again" }).waitFor();
    await page.getByText("This organization requires you to sign in again.").waitFor();
    await accessible(page, "sign-in-again");
    await page.getByRole("button", { name: "Sign in again" }).click();
    await page.getByLabel("Email").fill("tess@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The next time step no code was accepted in yet (the server takes each step once).
    const { last_used_step } = await stage.database.db
      .selectFrom("totp_credentials")
      .select("last_used_step")
      .where("user_id", "=", tessId)
      .executeTakeFirstOrThrow();
    // The server takes a code of the step after the current one at most: wait until that reaches.
    const step = Number(last_used_step) + 1;
    while (step - Math.floor(Date.now() / 30_000) > 1) await page.waitForTimeout(1000);
    await page
      .getByLabel("Authentication code")
      .fill(totp(secret, Math.max(0, step - Math.floor(Date.now() / 30_000))));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { level: 1, name: "Members" }).waitFor();
  });

  it("signs in with a passkey from Chromium's virtual authenticator", async () => {
    const { context, page } = await stage.person("pax");
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await signUp(page, "Pax", "pax@example.com");
    await page.goto("/account");
    await page.getByLabel("New passkey name").fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("listitem", { name: "Work laptop" }).waitFor();
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);

    await page.goto("/");
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("heading", { level: 1, name: "Pax's organization" }).waitFor();
    const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(after.credentials[0]?.signCount).toBeGreaterThan(0);
  });

  it("holds a member of an organization that requires two-factor at enrollment until done", async () => {
    const api = (token?: string) => createRosterClient({ url: stage.url, token });
    // The owner, through the API: two-factor on, then the policy on, then an invitation.
    const owner = await api().auth.signUp.mutate({ email: "olga@example.com", password, name: "Olga" });
    const ownerApi = api(owner.token);
    const { secret } = await ownerApi.twoFactor.startTotp.mutate();
    await ownerApi.twoFactor.confirmTotp.mutate({ code: totp(secret) });
    const org = await ownerApi.orgs.create.mutate({ name: "Strict Works" });
    await ownerApi.orgs.setTwoFactorPolicy.mutate({ orgId: org.id, required: true });
    const { results } = await ownerApi.invitations.create.mutate({
      orgId: org.id,
      emails: ["milo@example.com"],
      role: "member",
    });

    const { page } = await stage.person("milo");
    await signUp(page, "Milo", "milo@example.com");
    await page.goto(await mailLink(stage, "milo@example.com", "/verify-email/"));
    await page.getByText("milo@example.com is confirmed").waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "roster_session")?.value;
    await api(session).invitations.accept.mutate({ invitationId: results[0]!.invitationId! });

    await page.goto(`/orgs/${org.id}`);
    await page.getByRole("heading", { name: "Strict Works requires two-factor sign-in" }).waitFor();
    await accessible(page, "two-factor-required");
    // Other pages of the organization hold them too.
    await page.goto(`/orgs/${org.id}/members`);
    await page.getByRole("heading", { name: "Strict Works requires two-factor sign-in" }).waitFor();

    await enrollTotp(page);
    await page.waitForTimeout(3000);
    await snap(page, "debug-after-sign-in-again");
    await page.getByRole("heading", { level: 1, name: "Members" }).waitFor();
    await snap(page, "two-factor-enrolled-member");
  });
});
