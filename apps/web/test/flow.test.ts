import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessible,
  confirmEmail,
  mailLink,
  organizationCount,
  type Stage,
  signUp,
  signUpThroughInvitation,
  startStage,
} from "./harness.js";

/**
 * What a person sees of invitations in one go (defect 7), search by any word (defect 8) and
 * running time charged to the right person (defect 6), in the built app against the real server.
 * The deployment refuses to start clusters without credits (START_WITHOUT_CREDITS=false).
 */
let stage: Stage;
let alice: Page;
let bob: Page;
let carol: Page;
let orgPath = "";

beforeAll(async () => {
  stage = await startStage({ START_WITHOUT_CREDITS: "false" });
  alice = (await stage.person("alice")).page;
  bob = (await stage.person("bob")).page;
  carol = (await stage.person("carol")).page;
  orgPath = await signUp(alice, "Alice", "alice@example.com");
  await signUp(bob, "Bob", "bob@example.com");
  await confirmEmail(stage, bob, "bob@example.com");
  await signUp(carol, "Carol Chen", "carol@chen.example");
  await confirmEmail(stage, carol, "carol@chen.example");
}, 120_000);
afterAll(() => stage?.close());

describe("inviting in one go", () => {
  it("marks an address the server would refuse before sending", async () => {
    await alice.goto(`${orgPath}/members`);
    await alice.getByLabel("Email addresses").fill("zoë@example.com ");
    await alice.getByText("1 address is not valid and will not be invited.").waitFor();
    await alice.getByRole("button", { name: "Remove zoë@example.com" }).click();
  });

  it("sends the valid addresses with one click and reports the invalid one", async () => {
    await alice.getByLabel("Email addresses").fill("bob@example.com carol@chen.example zoë@example.com");
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await alice.getByText("2 of 3 addresses were invited.").waitFor();
    const results = alice.getByRole("list", { name: "Results" });
    expect(await results.getByRole("listitem").allTextContents()).toEqual([
      "bob@example.comInvited",
      "carol@chen.exampleInvited",
      "zoë@example.comNot a valid address",
    ]);
    await accessible(alice, "flow-01-invite-results");
    for (const page of [bob, carol]) {
      await page.goto("/");
      await page.getByRole("button", { name: /^Accept/ }).click();
      await page.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();
    }
  });
});

describe("searching members", () => {
  it("finds Carol Chen by her last name and by her address's domain", async () => {
    await alice.goto(`${orgPath}/members`);
    const names = () => alice.locator(".roster-member-list .roster-name").allTextContents();
    await expect.poll(names).toContain("Bob");
    await alice.getByLabel("Search").fill("chen");
    await expect.poll(names).toEqual(["Carol Chen"]);
    await alice.getByLabel("Search").fill("chen.example");
    await expect.poll(names).toEqual(["Carol Chen"]);
    await alice.getByLabel("Search").fill("example.com");
    await expect.poll(async () => (await names()).sort()).toEqual(["Alice (you)", "Bob"]);
    await alice.getByLabel("Search").fill("chen");
    await expect.poll(names).toEqual(["Carol Chen"]);
    await accessible(alice, "flow-02-search-chen");
  });
});

describe("running time and credits", () => {
  it("refuses to start a cluster with no credits, and says so", async () => {
    await alice.goto(orgPath);
    await alice.getByText("Clusters cannot be started until credits are added.").waitFor();
    await alice.getByLabel("New cluster name").fill("alpha");
    await alice.getByRole("button", { name: "Create cluster" }).click();
    await alice.getByText(/has no credits left, so nothing can be started/).waitFor();
    expect(await alice.locator('tr[data-cluster="alpha"]').count()).toBe(0);
    await accessible(alice, "flow-03-no-credits");
  });

  it("charges the owner when another member presses Stop, and says so by the chart", async () => {
    await alice.getByLabel("Credits to add").fill("5");
    await alice.getByRole("button", { name: "Add credits" }).click();
    await alice.getByText("5 granted").waitFor();
    await alice.locator('[data-credits="exhausted"]').waitFor({ state: "detached" });
    await alice.getByRole("button", { name: "Create cluster" }).click();
    await alice.locator('tr[data-cluster="alpha"]').waitFor();

    await bob.goto(orgPath);
    await bob.getByRole("button", { name: "Stop alpha" }).click();
    await bob.getByText("Cluster alpha stopped.").waitFor();

    const charged = await stage.database.db
      .selectFrom("usage_events as e")
      .innerJoin("users as u", "u.id", "e.user_id")
      .select(["u.name", "e.unit"])
      .execute();
    expect(charged).toEqual([{ name: "Alice", unit: "running-hours" }]);
    await alice.reload();
    await alice.getByText("A cluster's running time is charged to its owner when it stops").waitFor();
    const chart = alice.getByRole("figure", { name: "Credits by member" });
    await chart.getByRole("rowheader", { name: "Alice" }).waitFor();
    expect(await chart.getByRole("rowheader").allTextContents()).toEqual(["Alice"]);
    await accessible(alice, "flow-04-usage-charged-to-owner");
  });
});

describe("the audit log", () => {
  it("says who did what to whom in sentences with names, and filters by who acted", async () => {
    await alice.goto(`${orgPath}/audit`);
    const log = alice.locator(".roster-audit-log");
    await log.getByText("Bob stopped alpha (running time charged to Alice)", { exact: true }).waitFor();
    await log.getByText("Alice invited bob@example.com as Member", { exact: true }).waitFor();
    await log.getByText("Carol Chen joined as Member", { exact: true }).waitFor();
    await accessible(alice, "flow-05-audit-sentences");
    await alice.getByRole("combobox", { name: "Actor" }).selectOption({ label: "Bob" });
    await log
      .getByText("Alice invited bob@example.com as Member", { exact: true })
      .waitFor({ state: "detached" });
    const sentences = await log.locator(".roster-audit-sentence").allTextContents();
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.every((s) => s.startsWith("Bob "))).toBe(true);
  });
});

describe("removal with resources", () => {
  it("says up front what Carol owns, hands it to the person removing by default, and says what moved", async () => {
    await carol.goto(orgPath);
    await carol.getByLabel("New cluster name").fill("beta");
    await carol.getByRole("button", { name: "Create cluster" }).click();
    await carol.locator('tr[data-cluster="beta"]').waitFor();

    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Remove Carol Chen" }).click();
    const dialog = alice.getByRole("dialog");
    await dialog.getByText("They own 1 resource: beta.").waitFor();
    expect(await dialog.getByLabel("Who takes over their resources?").inputValue()).toBe(
      (
        await stage.database.db
          .selectFrom("users")
          .select("id")
          .where("email", "=", "alice@example.com")
          .executeTakeFirstOrThrow()
      ).id,
    );
    await accessible(alice, "flow-06-remove-with-resources");
    await dialog.getByRole("button", { name: "Transfer and remove" }).click();
    await alice.getByText("1 member was removed; 1 resource moved to Alice.").waitFor();
    await alice.goto(orgPath);
    await expect.poll(() => alice.locator('tr[data-cluster="beta"]').textContent()).toContain("Alice");
    // Carol is told by email.
    const mail = await stage.database.db
      .selectFrom("dev_mailbox")
      .select("subject")
      .where("to", "=", "carol@chen.example")
      .execute();
    expect(mail.map((m) => m.subject)).toContain("You were removed from Alice's organization");
  });
});

describe("the invitation flow", () => {
  it("names the organization on the sign-up page and joins it with no personal organization", async () => {
    await alice.goto(`${orgPath}/members`);
    await alice.getByLabel("Email addresses").fill("dana@example.com");
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await alice.getByText("1 of 1 address was invited.").waitFor();
    const dana = (await stage.person("dana")).page;
    await signUpThroughInvitation(
      stage,
      dana,
      { email: "dana@example.com", name: "Dana", organization: "Alice's organization" },
      () => accessible(dana, "flow-07-sign-up-names-organization"),
    );
    expect(await organizationCount(stage, "dana@example.com")).toBe(1);
  });

  it("offers Decline on the invitation page, and admins still see the invitation, as declined", async () => {
    await alice.getByLabel("Email addresses").fill("erin@example.com");
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await alice.getByText("1 of 1 address was invited.").waitFor();
    const erin = (await stage.person("erin")).page;
    await erin.goto(await mailLink(stage, "erin@example.com", "/invite/"));
    await erin.getByRole("heading", { name: "Join Alice's organization" }).waitFor();
    await accessible(erin, "flow-08-invitation-with-decline");
    await erin.getByRole("button", { name: "Decline" }).click();
    await erin.getByRole("heading", { name: "This invitation was declined" }).waitFor();
    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("heading", { name: "Declined invitations" }).waitFor();
    await alice.getByText("erin@example.com").waitFor();
    await accessible(alice, "flow-09-declined-invitations");
  });
});
