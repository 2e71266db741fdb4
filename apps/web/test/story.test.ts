import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible as checkPage, mailLink, type Stage, startStage } from "./harness.js";

/**
 * The story Roster's users know: Alice signs up and gets an organization, shares cloud
 * credentials and a cluster, invites Bob (registered) and Carol (not yet); they join; Alice
 * manages roles, deactivates, reactivates and removes Bob, whose cluster goes to Carol.
 */
let stage: Stage;
let alice: Page;
let bob: Page;
let carol: Page;
let aliceOrgUrl = "";
const password = "correct horse battery staple";
const checked: string[] = [];

async function accessible(page: Page, step: string) {
  await checkPage(page, step);
  checked.push(step);
}

async function signUp(page: Page, name: string, email: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

beforeAll(async () => {
  stage = await startStage();
  alice = (await stage.person("alice")).page;
  bob = (await stage.person("bob")).page;
  carol = (await stage.person("carol")).page;
});
afterAll(() => stage?.close());

describe("the organization story in a browser", () => {
  it("Bob already has an account and confirms his address from the dev mailbox", async () => {
    await signUp(bob, "Bob", "bob@example.com");
    await expect.poll(() => bob.getByRole("heading", { name: "Bob's organization" }).count()).toBe(1);
    await bob.goto("/dev/mailbox");
    await bob.getByLabel("Recipient").fill("bob@example.com");
    await bob
      .getByRole("link", { name: /verify-email/ })
      .first()
      .click();
    await expect.poll(() => bob.getByText("bob@example.com is confirmed").count()).toBe(1);
    await accessible(bob, "01-bob-verified");
  });

  it("Alice signs up and lands in her personal organization", async () => {
    await signUp(alice, "Alice", "alice@example.com");
    await expect.poll(() => alice.getByRole("heading", { name: "Alice's organization" }).count()).toBe(1);
    aliceOrgUrl = new URL(alice.url()).pathname;
    const icon = await alice.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? "";
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get("content-type") ?? "" };
    });
    expect(icon).toMatchObject({ status: 200, type: expect.stringContaining("image/svg+xml") });
    expect(aliceOrgUrl).toMatch(/^\/orgs\/[0-9a-f-]{36}$/);
    await accessible(alice, "02-alice-dashboard");
  });

  it("Alice sets the shared cloud credentials", async () => {
    await alice.getByRole("link", { name: "Settings" }).click();
    await alice.getByRole("link", { name: "Cloud credentials" }).click();
    await alice.getByLabel("Cloud provider").fill("aws");
    await alice.getByLabel("Access key id").fill("AKIAEXAMPLE");
    await alice.getByLabel("Secret access key").fill("super-secret-value");
    await alice.getByRole("button", { name: "Save credentials" }).click();
    await expect.poll(() => alice.getByText("Shared cloud credentials saved.").count()).toBe(1);
    await expect.poll(() => alice.getByText(/Set by Alice on/).count()).toBe(1);
    expect(await alice.content()).not.toContain("super-secret-value");
    await accessible(alice, "03-alice-settings");
  });

  it("Alice creates a cluster", async () => {
    await alice.getByRole("link", { name: "Dashboard" }).click();
    await alice.getByLabel("New cluster name").fill("alpha");
    await alice.getByRole("button", { name: "Create cluster" }).click();
    await expect.poll(() => alice.locator('tr[data-cluster="alpha"] .badge').textContent()).toBe("running");
    await expect.poll(() => alice.getByText("Credentials are set").count()).toBe(1);
    await accessible(alice, "04-alice-cluster");
  });

  it("Alice invites Bob and Carol", async () => {
    await alice.getByRole("link", { name: "Members" }).click();
    await alice.getByLabel("Email addresses").fill("bob@example.com, carol@example.com");
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await expect.poll(() => alice.getByText("2 of 2 addresses were invited.").count()).toBe(1);
    await expect
      .poll(() => alice.getByRole("cell", { name: "carol@example.com" }).count())
      .toBeGreaterThan(0);
    await accessible(alice, "05-alice-invited");
  });

  it("Bob sees the banner, accepts, shares the dashboard and stops the cluster", async () => {
    await bob.goto("/");
    await bob.getByRole("button", { name: /^Accept/ }).click();
    await expect.poll(() => new URL(bob.url()).pathname).toBe(aliceOrgUrl);
    await expect.poll(() => bob.getByRole("heading", { name: "Alice's organization" }).count()).toBe(1);
    await expect.poll(() => bob.getByText("Credentials are set").count()).toBe(1);
    await bob.getByRole("button", { name: "Stop alpha" }).click();
    await expect.poll(() => bob.locator('tr[data-cluster="alpha"] .badge').textContent()).toBe("stopped");
    await accessible(bob, "06-bob-joined");
  });

  it("Carol opens the emailed link, signs up with that address and joins", async () => {
    const link = await mailLink(stage, "carol@example.com", "/invite/");
    await carol.goto("/dev/mailbox");
    await carol.getByLabel("Recipient").fill("carol@example.com");
    await carol.getByRole("link", { name: link }).click();
    await expect
      .poll(() => carol.getByRole("heading", { name: "Join Alice's organization" }).count())
      .toBe(1);
    await accessible(carol, "07-carol-invitation");
    await carol.getByRole("link", { name: "Create your account to accept" }).click();
    expect(await carol.getByLabel("Email").inputValue()).toBe("carol@example.com");
    await carol.getByLabel("Name").fill("Carol");
    await carol.getByLabel("Password").fill(password);
    await carol.getByRole("button", { name: "Create account" }).click();
    await carol.getByRole("button", { name: "Accept invitation" }).click();
    await expect.poll(() => new URL(carol.url()).pathname).toBe(aliceOrgUrl);
    await accessible(carol, "08-carol-joined");
  });

  it("Alice makes Carol an admin", async () => {
    await alice.reload();
    await alice.getByRole("button", { name: "Change role Carol" }).click();
    await alice.getByLabel("New role").selectOption("admin");
    await alice.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => alice.getByText("Carol is now Admin.").count()).toBe(1);
    await accessible(alice, "09-carol-admin");
  });

  it("Alice deactivates Bob, who is refused at once, then reactivates him", async () => {
    await alice.getByRole("button", { name: "Deactivate Bob" }).click();
    await alice.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await expect.poll(() => alice.getByText("Bob was deactivated.").count()).toBe(1);
    await bob.reload();
    await expect
      .poll(() => bob.getByRole("heading", { name: /Your access to Alice's organization is paused/ }).count())
      .toBe(1);
    await accessible(bob, "10-bob-deactivated");
    await alice.getByRole("button", { name: "Reactivate Bob" }).click();
    await expect.poll(() => alice.getByText("Bob was reactivated.").count()).toBe(1);
    await bob.reload();
    await expect.poll(() => bob.getByRole("heading", { name: "Alice's organization" }).count()).toBe(1);
  });

  it("Alice removes Bob, who owns a cluster, handing it to Carol; Bob no longer sees the organization", async () => {
    await bob.getByLabel("New cluster name").fill("bravo");
    await bob.getByRole("button", { name: "Create cluster" }).click();
    await expect.poll(() => bob.locator('tr[data-cluster="bravo"] .badge').textContent()).toBe("running");

    await alice.reload();
    await alice.getByRole("button", { name: "Remove Bob" }).click();
    // The dialog names what Bob owns before anything is sent, and asks who takes it over.
    await alice.getByRole("dialog").getByText("They own 1 resource: bravo.").waitFor();
    await alice.getByLabel("Who takes over their resources?").selectOption({ label: "Carol" });
    await alice.getByRole("button", { name: "Transfer and remove" }).click();
    await alice.getByText("1 member was removed; 1 resource moved to Carol.").waitFor();
    await accessible(alice, "11-bob-removed");

    await alice.getByRole("link", { name: "Dashboard" }).click();
    await expect.poll(() => alice.locator('tr[data-cluster="bravo"] td').nth(2).textContent()).toBe("Carol");

    await bob.goto(aliceOrgUrl);
    await bob.getByRole("heading", { name: "This organization is not available to you" }).waitFor();
    await bob.getByRole("link", { name: "Go to your organizations" }).click();
    await expect.poll(() => bob.getByRole("heading", { name: "Bob's organization" }).count()).toBe(1);
    await bob.getByRole("button", { name: /^Organization: / }).click();
    const names = await bob.getByRole("list", { name: "Switch organization" }).textContent();
    expect(names).not.toContain("Alice's organization");
    await bob.keyboard.press("Escape");
    await accessible(bob, "12-bob-after-removal");
  });

  it("works at 360 px wide", async () => {
    await carol.setViewportSize({ width: 360, height: 740 });
    await carol.goto(aliceOrgUrl);
    await expect.poll(() => carol.getByRole("heading", { name: "Alice's organization" }).count()).toBe(1);
    const overflow = await carol.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await accessible(carol, "13-carol-mobile");
  });

  it("passes an axe check on every other page", async () => {
    await alice.goto(`${aliceOrgUrl}/workspaces`);
    await alice.getByLabel("New workspace name").fill("Pool A");
    await alice.getByRole("button", { name: "Create workspace" }).click();
    await expect.poll(() => alice.getByRole("button", { name: "Pool A", exact: true }).count()).toBe(1);
    await alice.getByRole("button", { name: "Pool A", exact: true }).click();
    await accessible(alice, "14-workspaces");
    await alice.goto(`${aliceOrgUrl}/audit`);
    await expect.poll(() => alice.getByRole("cell", { name: "member.removed" }).count()).toBe(1);
    await accessible(alice, "15-audit-log");
    await alice.goto("/account");
    await expect.poll(() => alice.getByRole("heading", { name: "Sessions" }).count()).toBe(1);
    await accessible(alice, "16-account");
    await alice.goto("/dev/mailbox");
    await accessible(alice, "17-dev-mailbox");
    const anonymous = (await stage.person("anonymous")).page;
    for (const [path, step] of [
      ["/sign-in", "18-sign-in"],
      ["/sign-up", "19-sign-up"],
      ["/forgot-password", "20-forgot-password"],
      ["/invite/not-a-real-invitation-token-at-all", "21-invalid-invitation"],
    ] as const) {
      await anonymous.goto(path);
      await expect.poll(() => anonymous.getByRole("heading", { level: 1 }).count()).toBe(1);
      await accessible(anonymous, step);
    }
    expect(checked.length).toBe(21);
  });
});
