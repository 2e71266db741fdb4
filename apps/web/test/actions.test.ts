import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, confirmEmail, countCalls, type Stage, signUp, startStage } from "./harness.js";

/**
 * What a person's clicks do: a double click acts once (defect 1), and someone deactivated or
 * removed while looking at an organization sees it at their next action, not after a reload
 * (defect 3).
 */
let stage: Stage;
let alice: Page;
let bob: Page;
let orgPath = "";

async function membersRowAction(page: Page, action: string) {
  await page.getByRole("button", { name: action }).click();
}

beforeAll(async () => {
  stage = await startStage();
  alice = (await stage.person("alice")).page;
  bob = (await stage.person("bob")).page;
  orgPath = await signUp(alice, "Alice", "alice@example.com");
  await signUp(bob, "Bob", "bob@example.com");
  await confirmEmail(stage, bob, "bob@example.com");
  await alice.goto(`${orgPath}/members`);
  await alice.getByLabel("Email addresses").fill("bob@example.com");
  await alice.getByRole("button", { name: "Send invitations" }).click();
  await alice.getByText("1 of 1 address was invited.").waitFor();
  await bob.goto("/");
  await bob.getByRole("button", { name: /^Accept/ }).click();
  await bob.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();
});
afterAll(() => stage?.close());

describe("double clicks", () => {
  it("creates one cluster from a double click on Create cluster", async () => {
    await alice.goto(orgPath);
    const calls = countCalls(alice, "resources.register");
    await alice.getByLabel("New cluster name").fill("alpha");
    await alice.getByRole("button", { name: "Create cluster" }).dblclick();
    await alice.locator('tr[data-cluster="alpha"]').waitFor();
    await alice.getByRole("button", { name: "Create cluster" }).and(alice.locator(":enabled")).waitFor();
    expect(calls.count).toBe(1);
    expect(await alice.locator('tr[data-cluster="alpha"]').count()).toBe(1);
    await accessible(alice, "actions-01-one-cluster");
  });

  it("adds credits once from a double click on Add credits", async () => {
    const calls = countCalls(alice, "usage.grantCredits");
    await alice.getByLabel("Credits to add").fill("250");
    await alice.getByRole("button", { name: "Add credits" }).dblclick();
    await alice.getByText("250 credits added.").waitFor();
    await alice.getByText("250 granted").waitFor();
    expect(calls.count).toBe(1);
  });
});

describe("only the actions a person may take", () => {
  it("shows an admin no change-role, deactivate or remove on an owner's row", async () => {
    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Change role Bob" }).click();
    await alice.getByLabel("New role").selectOption("admin");
    await alice.getByRole("button", { name: "Save" }).click();
    await alice.getByText("Bob is now Admin.").waitFor();

    await bob.goto(`${orgPath}/members`);
    const aliceRow = bob.getByRole("row", { name: /Alice/ });
    await aliceRow.waitFor();
    await bob.getByRole("button", { name: "Change role" }).first().waitFor({ state: "detached" });
    expect(await aliceRow.getByRole("button").count()).toBe(0);
    expect(await aliceRow.getByRole("checkbox").count()).toBe(0);
    await accessible(bob, "actions-02-admin-sees-owner-row");
  });
});

describe("losing access while looking", () => {
  it("shows Bob the paused page at his next action once he is deactivated, with Sign out", async () => {
    await bob.goto(orgPath);
    await bob.locator('tr[data-cluster="alpha"]').waitFor();
    await alice.goto(`${orgPath}/members`);
    await membersRowAction(alice, "Deactivate Bob");
    await alice.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await alice.getByText("Bob was deactivated.").waitFor();

    // Bob has not reloaded: the page still shows the cluster until he acts.
    await bob.getByRole("button", { name: "Stop alpha" }).click();
    await bob.getByRole("heading", { name: "Your access to Alice's organization is paused" }).waitFor();
    expect(await bob.locator('tr[data-cluster="alpha"]').count()).toBe(0);
    expect(await bob.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await accessible(bob, "actions-03-bob-paused");

    await alice.getByRole("button", { name: "Reactivate Bob" }).click();
    await alice.getByText("Bob was reactivated.").waitFor();
  });

  it("tells Bob he was removed at his next action, and the switcher drops the organization", async () => {
    await bob.goto(orgPath);
    await bob.locator('tr[data-cluster="alpha"]').waitFor();
    await membersRowAction(alice, "Remove Bob");
    await alice.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await alice.getByText("1 member was removed.").waitFor();

    await bob.getByRole("button", { name: "Stop alpha" }).click();
    await bob.getByRole("heading", { name: "You are no longer a member of Alice's organization" }).waitFor();
    expect(await bob.locator('tr[data-cluster="alpha"]').count()).toBe(0);
    await accessible(bob, "actions-04-bob-removed");
    await bob.getByRole("link", { name: "Go to your organizations" }).click();
    await bob.getByRole("heading", { level: 1, name: "Bob's organization" }).waitFor();
    await bob.getByRole("button", { name: /^Organization: / }).click();
    const names = await bob.getByRole("list", { name: "Switch organization" }).textContent();
    expect(names).not.toContain("Alice's organization");
    await bob.keyboard.press("Escape");
  });

  it("opening the organization's address later says it is not available, and offers Sign out", async () => {
    await bob.goto(orgPath);
    await bob.getByRole("heading", { name: "This organization is not available to you" }).waitFor();
    await bob.getByRole("button", { name: "Sign out" }).click();
    await bob.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
  });
});
