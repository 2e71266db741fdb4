import { writeFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessible,
  artifactsDir,
  confirmEmail,
  mailLink,
  overflow,
  password,
  type Stage,
  signUp,
  startStage,
} from "./harness.js";

/**
 * The seeds' story walked on a phone, 360 px wide (story.test.ts walks it at 1280 px): every page
 * on the way is checked with axe and kept as a screenshot (test-results/screenshots/walk-*.png),
 * and how far each is wider than the screen is written to test-results/walk-360.json.
 */
const phone = { width: 360, height: 740 };
let stage: Stage;
let alice: Page;
let bob: Page;
let carol: Page;
let orgPath = "";
const widths: Record<string, number> = {};

/** Checks the page (axe, nothing loading), keeps its screenshot and notes its sideways overflow. */
async function look(page: Page, step: string) {
  await accessible(page, `walk-${step}`);
  widths[step] = await overflow(page);
}

beforeAll(async () => {
  stage = await startStage();
  alice = (await stage.person("alice", phone)).page;
  bob = (await stage.person("bob", phone)).page;
  carol = (await stage.person("carol", phone)).page;
});
afterAll(async () => {
  writeFileSync(`${artifactsDir}../walk-360.json`, `${JSON.stringify(widths, null, 2)}\n`);
  await stage?.close();
});

describe("the story at 360 px", () => {
  it("Alice signs up, shares credentials and creates a cluster", async () => {
    await alice.goto("/sign-up");
    await look(alice, "01-sign-up");
    orgPath = await signUp(alice, "Alice", "alice@example.com");
    await look(alice, "02-dashboard-new");
    await alice.goto(`${orgPath}/settings/credentials`);
    await alice.getByLabel("Cloud provider").fill("aws");
    await alice.getByLabel("Access key id").fill("AKIAEXAMPLE");
    await alice.getByLabel("Secret access key").fill("super-secret-value");
    await alice.getByRole("button", { name: "Save credentials" }).click();
    await alice.getByText(/Set by Alice on/).waitFor();
    await look(alice, "03-settings");
    await alice.goto(orgPath);
    await alice.getByLabel("New cluster name").fill("alpha");
    await alice.getByRole("button", { name: "Create cluster" }).click();
    await alice.locator('tr[data-cluster="alpha"]').getByText("running").waitFor();
    await alice.getByText("Credentials are set").waitFor();
    await look(alice, "04-dashboard-cluster");
  });

  it("Alice invites Bob (registered) and Carol (not yet)", async () => {
    await signUp(bob, "Bob", "bob@example.com");
    await confirmEmail(stage, bob, "bob@example.com");
    await alice.goto(`${orgPath}/members`);
    await alice.getByLabel("Email addresses").fill("bob@example.com, carol@example.com");
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await alice.getByText("2 of 2 addresses were invited.").waitFor();
    await look(alice, "05-members-invited");
  });

  it("Bob accepts from the banner; Carol from the emailed link", async () => {
    await bob.goto("/");
    await bob.getByRole("button", { name: /^Accept/ }).waitFor();
    await look(bob, "06-banner");
    await bob.getByRole("button", { name: /^Accept/ }).click();
    await bob.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();
    await bob.locator('tr[data-cluster="alpha"]').waitFor();
    await look(bob, "07-bob-joined");

    await carol.goto(await mailLink(stage, "carol@example.com", "/invite/"));
    await carol.getByRole("heading", { name: "Join Alice's organization" }).waitFor();
    await look(carol, "08-invitation");
    await carol.getByRole("link", { name: "Create your account to accept" }).click();
    await carol.getByLabel("Name").fill("Carol");
    await carol.getByLabel("Password").fill(password);
    await carol.getByRole("button", { name: "Create account" }).click();
    await carol.getByRole("button", { name: "Accept invitation" }).click();
    await carol.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();
  });

  it("Alice changes Carol's role, pauses Bob and lets him back", async () => {
    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Change role Carol" }).click();
    await alice.getByLabel("New role").selectOption("admin");
    await alice.getByRole("button", { name: "Save" }).click();
    await alice.getByText("Carol is now Admin.").waitFor();
    await look(alice, "09-members-roles");

    await alice.getByRole("button", { name: "Deactivate Bob" }).click();
    await alice.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await alice.getByText("Bob was deactivated.").waitFor();
    await bob.goto(orgPath);
    await bob.getByRole("heading", { name: "Your access to Alice's organization is paused" }).waitFor();
    await look(bob, "10-paused");
    await alice.getByRole("button", { name: "Reactivate Bob" }).click();
    await alice.getByText("Bob was reactivated.").waitFor();
  });

  it("Alice removes Bob, handing his cluster to Carol", async () => {
    await bob.goto(orgPath);
    await bob.getByLabel("New cluster name").fill("bravo");
    await bob.getByRole("button", { name: "Create cluster" }).click();
    await bob.locator('tr[data-cluster="bravo"]').waitFor();

    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Remove Bob" }).click();
    // The dialog names what Bob owns up front and asks who takes it over.
    await alice.getByRole("dialog").getByText("They own 1 resource: bravo.").waitFor();
    const takeOver = alice.getByLabel("Who takes over their resources?");
    await takeOver.waitFor();
    await look(alice, "11-remove-dialog");
    await takeOver.selectOption({ label: "Carol" });
    await alice.getByRole("button", { name: "Transfer and remove" }).click();
    await alice.getByText("1 member was removed; 1 resource moved to Carol.").waitFor();
    await look(alice, "12-removed");

    await bob.goto(orgPath);
    await bob.getByRole("heading", { name: "This organization is not available to you" }).waitFor();
    await look(bob, "13-not-available");
    await carol.goto(orgPath);
    await carol.locator('tr[data-cluster="bravo"]').getByText("Carol").waitFor();
    await look(carol, "14-carol-dashboard");
  });

  it("every other page", async () => {
    await alice.goto(`${orgPath}/workspaces`);
    await alice.getByRole("heading", { level: 1 }).waitFor();
    await look(alice, "15-workspaces");
    await alice.goto(`${orgPath}/audit`);
    await alice.getByRole("heading", { level: 1 }).waitFor();
    await alice.getByRole("table").waitFor();
    await look(alice, "16-audit");
    await alice.goto("/account");
    await alice.getByRole("heading", { name: "Sessions" }).waitFor();
    await look(alice, "17-account");
    await alice.goto("/dev/mailbox");
    await alice.locator(".mail").first().waitFor();
    await look(alice, "18-mailbox");
    const anonymous = (await stage.person("anonymous", phone)).page;
    for (const [path, step] of [
      ["/sign-in", "19-sign-in"],
      ["/forgot-password", "20-forgot-password"],
    ] as const) {
      await anonymous.goto(path);
      await anonymous.getByRole("heading", { level: 1 }).waitFor();
      await look(anonymous, step);
    }
    expect(Object.keys(widths)).toHaveLength(20);
  });

  it("fits every page on the screen, the member list and the audit log too", () => {
    // Each page's sideways overflow is in walk-360.json; none may scroll sideways.
    const wider = Object.entries(widths).filter(([, px]) => px > 0);
    expect(wider).toEqual([]);
  });
});
