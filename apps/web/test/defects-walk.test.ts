import { writeFileSync } from "node:fs";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessible,
  artifactsDir,
  confirmEmail,
  countCalls,
  describedText,
  mailLink,
  organizationCount,
  type Stage,
  signUp,
  signUpThroughInvitation,
  startStage,
  sticksOut,
  topBarLines,
} from "./harness.js";

/**
 * A walk through the product in a person's hands, defect by defect of what a first walk found
 * (numbers in the test names): each step is done on a phone, then its page is looked at 1280 px
 * and 360 px wide — checked with axe, kept as a screenshot (test-results/screenshots/defects-*.png)
 * and, at 360 px, checked for anything past the right edge. What each look measured is written to
 * test-results/defects-walk.json. walk.test.ts and story.test.ts walk the seeds' story itself.
 */
const widths = [
  { width: 1280, height: 900 },
  { width: 360, height: 740 },
] as const;
const phone = widths[1];
let stage: Stage;
let alice: Page;
let bob: Page;
let carol: Page;
let dana: Page;
let orgPath = "";
const looks: Record<string, { width: number; overflow: string[]; topBarLines: number }[]> = {};

/** The page at both widths: nothing loading, a screenshot each, axe clean, nothing off a phone's screen. */
async function look(page: Page, step: string) {
  looks[step] = [];
  for (const size of widths) {
    await page.setViewportSize(size);
    await accessible(page, `defects-${step}-${size.width}`);
    const overflow = size.width === phone.width ? await sticksOut(page) : [];
    const lines = await topBarLines(page);
    looks[step].push({ width: size.width, overflow, topBarLines: lines });
    if (size.width === phone.width) {
      expect(overflow, `${step} at 360 px`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), step).toBeLessThanOrEqual(360);
      // Defect 2: the top bar takes two lines on a phone at most.
      expect(lines, `${step}: top bar lines`).toBeLessThanOrEqual(2);
    }
  }
}

const memberNames = (page: Page) => page.locator(".roster-member-list .roster-name").allTextContents();

beforeAll(async () => {
  stage = await startStage();
  alice = (await stage.person("alice", phone)).page;
  bob = (await stage.person("bob", phone)).page;
  carol = (await stage.person("carol", phone)).page;
  await signUp(bob, "Bob", "bob@example.com");
  await confirmEmail(stage, bob, "bob@example.com");
  await signUp(carol, "Carol Chen", "carol@chen.example");
  await confirmEmail(stage, carol, "carol@chen.example");
});
afterAll(async () => {
  writeFileSync(`${artifactsDir}../defects-walk.json`, `${JSON.stringify(looks, null, 2)}\n`);
  await stage?.close();
});

describe("the product in a person's hands, defect by defect", () => {
  it("12, 6, 17: a light dashboard with a favicon, warns when credits run out, resends the confirmation", async () => {
    const assets: Response[] = [];
    alice.on("response", (r) => {
      if (new URL(r.url()).pathname.startsWith("/assets/")) assets.push(r);
    });
    const calls = countCalls(alice, "dev.mailbox");
    orgPath = await signUp(alice, "Alice", "alice@example.com");
    // 12: hashed assets compressed and cached for good, a real favicon, no mailbox on the dashboard.
    const scripts = assets.filter((r) => r.url().endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const headers = await script.allHeaders();
      expect(headers["content-encoding"], script.url()).toMatch(/^(br|gzip)$/);
      expect(headers["cache-control"], script.url()).toBe("public, max-age=31536000, immutable");
    }
    const icon = await alice.locator('link[rel~="icon"]').getAttribute("href");
    const favicon = await alice.request.get(icon ?? "/favicon.ico");
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()["content-type"]).toMatch(/^image\//);
    expect(calls.count).toBe(0);

    // 6: no credits yet; the deployment lets clusters start anyway, and says so.
    await alice
      .locator('[data-credits="exhausted"]')
      .getByText("Credits have run out. Clusters still start")
      .waitFor();
    // 17: the confirm-your-email note sends the link again.
    const note = alice.getByRole("note", { name: "Confirm your email" });
    await note.getByRole("button", { name: "Send the link again" }).click();
    await note
      .getByRole("status")
      .filter({ hasText: "We sent a new confirmation link to alice@example.com." })
      .waitFor();
    await look(alice, "01-dashboard");
  });

  it("1: a double click creates one cluster and adds credits once", async () => {
    const registered = countCalls(alice, "resources.register");
    const granted = countCalls(alice, "usage.grantCredits");
    await alice.getByLabel("New cluster name").fill("alpha");
    await alice.getByRole("button", { name: "Create cluster" }).dblclick();
    await alice.locator('tr[data-cluster="alpha"]').getByText("running").waitFor();
    await alice.getByRole("button", { name: "Create cluster" }).and(alice.locator(":enabled")).waitFor();
    await alice.getByLabel("Credits to add").fill("250");
    await alice.getByRole("button", { name: "Add credits" }).dblclick();
    await alice.getByText("250 granted").waitFor();
    await alice.locator('[data-credits="exhausted"]').waitFor({ state: "detached" });
    expect(registered.count).toBe(1);
    expect(granted.count).toBe(1);
    expect(await alice.locator('tr[data-cluster="alpha"]').count()).toBe(1);
    await look(alice, "02-one-cluster-one-grant");
  });

  it("11: errors in people's words beside their fields, limits counted as they are typed", async () => {
    await alice.goto(`${orgPath}/settings/webhooks`);
    const url = alice.getByLabel("Endpoint URL");
    await url.fill("ftp://example.com/hooks");
    await alice.getByRole("button", { name: "Add endpoint" }).click();
    await expect.poll(() => url.getAttribute("aria-invalid")).toBe("true");
    expect(await describedText(url)).toContain(
      "Enter an http or https URL, like https://example.com/hooks/roster.",
    );
    await alice
      .getByRole("group", { name: "Events", exact: true })
      .and(alice.locator('[aria-describedby][data-invalid=""]'))
      .getByText("Choose at least one event to send.")
      .waitFor();
    expect(await alice.locator("main").textContent()).not.toMatch(/\b(url|events|name|amount):/);
    await look(alice, "03-field-errors");

    await alice.goto(`${orgPath}/workspaces`);
    const name = alice.getByLabel("New workspace name");
    await name.fill("w".repeat(70));
    await alice.getByText("70 of 80 characters").waitFor();
    await name.fill("w".repeat(90));
    expect(await name.inputValue()).toHaveLength(80);
    await look(alice, "04-limit-counted");
  });

  it("7, 17: invites in one go, reports the invalid address, copies a link by its button", async () => {
    await alice.goto(`${orgPath}/members`);
    await alice
      .getByLabel("Email addresses")
      .fill("bob@example.com carol@chen.example dana@example.com erin@example.com zoë@example.com ");
    // The client refuses what the server would: zoë@ is marked before anything is sent.
    await alice.getByText("1 address is not valid and will not be invited.").waitFor();
    await alice.getByRole("button", { name: "Send invitations" }).click();
    await alice.getByText("4 of 5 addresses were invited.").waitFor();
    const results = alice.getByRole("list", { name: "Results" });
    expect(await results.getByRole("listitem").last().textContent()).toBe(
      "zoë@example.comNot a valid address",
    );

    const erin = alice.getByRole("row", { name: /erin@example\.com/ });
    await erin.getByRole("button", { name: "Copy link erin@example.com" }).click();
    await erin.locator('[data-outcome="copy-link"]').waitFor();
    expect(await erin.locator('[data-outcome="copy-link"]').textContent()).toMatch(
      /The invitation link was copied\.|\/invite\//,
    );
    // 17: the results follow what happens next; here a resend, said by its button too.
    await alice.getByRole("button", { name: "Resend dana@example.com" }).click();
    await alice
      .getByRole("row", { name: /dana@example\.com/ })
      .locator('[data-outcome="resend"]')
      .getByText("The invitation to dana@example.com was sent again.")
      .waitFor();
    await results
      .getByRole("listitem")
      .filter({ hasText: "dana@example.com" })
      .getByText("sent 2 times")
      .waitFor();
    await look(alice, "05-invited-in-one-go");
  });

  it("16, 17: the sign-up page names the organization; a declined invitation shows as declined, in the results too", async () => {
    dana = (await stage.person("dana", phone)).page;
    await signUpThroughInvitation(
      stage,
      dana,
      { email: "dana@example.com", name: "Dana", organization: "Alice's organization" },
      () => look(dana, "06-sign-up-names-organization"),
    );
    // Joined through an invitation: no personal organization of her own.
    expect(await organizationCount(stage, "dana@example.com")).toBe(1);

    const erin = (await stage.person("erin", phone)).page;
    await erin.goto(await mailLink(stage, "erin@example.com", "/invite/"));
    await erin.getByRole("heading", { name: "Join Alice's organization" }).waitFor();
    await erin.getByRole("button", { name: "Decline" }).click();
    await erin.getByRole("heading", { name: "This invitation was declined" }).waitFor();
    await look(erin, "07-invitation-declined");

    // Alice's results panel, still open, learns of both without a reload.
    const results = alice.getByRole("list", { name: "Results" });
    const item = (email: string) => results.getByRole("listitem").filter({ hasText: email });
    await item("erin@example.com").and(alice.locator('[data-invitation-status="declined"]')).waitFor();
    await item("dana@example.com").and(alice.locator('[data-invitation-status="accepted"]')).waitFor();
    expect(await item("erin@example.com").textContent()).toBe("erin@example.comDeclined");
    // The member list beside it follows too: Dana is a member now, Erin's invitation is gone from it.
    await alice.getByRole("row", { name: /Dana/ }).getByText("Active").waitFor();
    await alice.getByRole("row", { name: /erin@example\.com/ }).waitFor({ state: "detached" });
    await look(alice, "08-results-follow");
    await alice.reload();
    const declined = alice.getByRole("region", { name: "Declined invitations" });
    await declined.getByText(/erin@example\.com declined the invitation to join as Member/).waitFor();
  });

  it("3, 8: invitations accepted from the banner; search finds people by any word", async () => {
    for (const page of [bob, carol]) {
      await page.goto("/");
      await page.getByRole("button", { name: /^Accept/ }).waitFor();
      if (page === bob) await look(bob, "09-banner");
      await page.getByRole("button", { name: /^Accept/ }).click();
      await page.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();
    }
    await alice.goto(`${orgPath}/members`);
    await expect.poll(() => memberNames(alice)).toContain("Carol Chen");
    for (const words of ["chen", "chen.example"]) {
      // The list already shows Carol for "chen": wait for this search's own answer, not the last one.
      const answered = alice.waitForResponse(
        (r) =>
          r.url().includes("members.list") && decodeURIComponent(r.url()).includes(`"search":"${words}"`),
      );
      await alice.getByLabel("Search").fill(words);
      await answered;
      await expect.poll(() => memberNames(alice)).toEqual(["Carol Chen"]);
    }
    await look(alice, "10-search-by-any-word");
    await alice.getByLabel("Search").fill("");
    await expect.poll(() => memberNames(alice)).toContain("Bob");
  });

  it("10: an admin sees no change-role, deactivate or remove on the owner's row", async () => {
    await alice.getByRole("button", { name: "Change role Bob" }).click();
    await alice.getByLabel("New role").selectOption("admin");
    await alice.getByRole("button", { name: "Save" }).click();
    await alice.getByText("Bob is now Admin.").waitFor();
    await bob.goto(`${orgPath}/members`);
    await bob.getByRole("button", { name: "Change role Carol Chen" }).waitFor();
    const aliceRow = bob.getByRole("row", { name: /Alice/ });
    expect(await aliceRow.getByRole("button").count()).toBe(0);
    expect(await aliceRow.getByRole("checkbox").count()).toBe(0);
    await look(bob, "11-admin-sees-owner-row");
  });

  it("6, 14: running time charged to the owner when someone else stops it; charts that read as months", async () => {
    await bob.goto(orgPath);
    await bob.getByRole("button", { name: "Stop alpha" }).click();
    await bob.getByText("Cluster alpha stopped.").waitFor();
    await alice.goto(orgPath);
    await alice.getByText("A cluster's running time is charged to its owner when it stops").waitFor();
    const byMember = alice.getByRole("figure", { name: "Credits by member" });
    await byMember.getByRole("rowheader", { name: "Alice" }).waitFor();
    expect(await byMember.getByRole("rowheader").allTextContents()).toEqual(["Alice"]);
    const months = alice.getByRole("table", { name: "Credits by month" });
    const labels = await months.getByRole("rowheader").allTextContents();
    expect(labels).toHaveLength(6);
    for (const label of labels) expect(label).toMatch(/^[A-Z][a-z]{2} \d{4}$/);
    await look(alice, "12-usage-and-charts");
  });

  it("5: the audit log in sentences with names, before and after, filtered by who acted", async () => {
    await alice.goto(`${orgPath}/audit`);
    const log = alice.locator(".roster-audit-log");
    await log.getByText("Bob stopped alpha (running time charged to Alice)", { exact: true }).waitFor();
    await log.getByText("Alice invited bob@example.com as Member", { exact: true }).waitFor();
    await log.getByText(/^Alice changed Bob.s role from Member to Admin/).waitFor();
    await look(alice, "13-audit-log");
    await alice.getByRole("combobox", { name: "Actor" }).selectOption({ label: "Bob" });
    await log
      .getByText("Alice invited bob@example.com as Member", { exact: true })
      .waitFor({ state: "detached" });
    const sentences = await log.locator(".roster-audit-sentence").allTextContents();
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.every((s) => s.startsWith("Bob "))).toBe(true);
  });

  it("9, 3, 16: removal names what Carol owns and who takes it; she learns at her next click, and by email", async () => {
    await carol.goto(orgPath);
    await carol.getByLabel("New cluster name").fill("beta");
    await carol.getByRole("button", { name: "Create cluster" }).click();
    await carol.getByRole("button", { name: "Stop beta" }).waitFor();

    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Remove Carol Chen" }).click();
    const dialog = alice.getByRole("dialog");
    await dialog.getByText("They own 1 resource: beta.").waitFor();
    await dialog.getByLabel("Who takes over their resources?").waitFor();
    await look(alice, "14-remove-dialog");
    await dialog.getByRole("button", { name: "Transfer and remove" }).click();
    await alice.getByText("1 member was removed; 1 resource moved to Alice.").waitFor();

    // Carol has not reloaded: her next click shows she was removed, not a toast.
    await carol.getByRole("button", { name: "Stop beta" }).click();
    await carol
      .getByRole("heading", { name: "You are no longer a member of Alice's organization" })
      .waitFor();
    expect(await carol.locator('tr[data-cluster="beta"]').count()).toBe(0);
    await look(carol, "15-removed");
    const mail = await stage.database.db
      .selectFrom("dev_mailbox")
      .select("subject")
      .where("to", "=", "carol@chen.example")
      .execute();
    expect(mail.map((m) => m.subject)).toContain("You were removed from Alice's organization");
  });

  it("13, 3: settings in sections, read-only for a member; a deactivated member is paused at her next click", async () => {
    await dana.goto(`${orgPath}/settings/credentials`);
    await dana.getByText("Your role can read them, not change them.").waitFor();
    expect(await dana.locator("main").getByRole("textbox").count()).toBe(0);
    await look(dana, "16-settings-read-only");

    await alice.goto(`${orgPath}/settings`);
    await alice.waitForURL(`**${orgPath}/settings/general`);
    const nav = alice.getByRole("navigation", { name: "Settings sections" });
    await nav.getByRole("link", { name: "Roles and permissions" }).click();
    await alice.waitForURL(`**${orgPath}/settings/roles`);
    const roles = alice.getByRole("region", { name: "Permissions by role" });
    await roles.getByRole("rowheader", { name: /Invite people/ }).waitFor();
    await look(alice, "17-settings-roles");
    // 2: the roles table fits a phone as it is, with nothing to scroll sideways inside it either.
    expect(await roles.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);

    await dana.goto(orgPath);
    await dana.getByLabel("New cluster name").fill("gamma");
    await alice.goto(`${orgPath}/members`);
    await alice.getByRole("button", { name: "Deactivate Dana" }).click();
    await alice.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await alice.getByText("Dana was deactivated.").waitFor();
    await dana.getByRole("button", { name: "Create cluster" }).click();
    await dana.getByRole("heading", { name: "Your access to Alice's organization is paused" }).waitFor();
    expect(await dana.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await look(dana, "18-paused");
  });

  it("4, 15: transfer ownership, leave, delete with typed confirmation; the switcher is a popover", async () => {
    await alice.goto(`${orgPath}/settings/general`);
    await alice.getByRole("combobox", { name: "New owner" }).selectOption({ label: "Bob" });
    await alice.getByRole("button", { name: "Transfer", exact: true }).click();
    await alice
      .getByRole("dialog", { name: "Make Bob an owner?" })
      .getByRole("button", { name: "Transfer" })
      .click();
    await alice.getByText("Bob is now an owner.").waitFor();
    await look(alice, "19-settings-general");

    // Ownership moves whole: Alice is an admin now. Bob hands it back, and then leaves.
    await bob.goto(`${orgPath}/settings/general`);
    await bob.getByRole("combobox", { name: "New owner" }).selectOption({ label: "Alice" });
    await bob.getByRole("button", { name: "Transfer", exact: true }).click();
    await bob
      .getByRole("dialog", { name: "Make Alice an owner?" })
      .getByRole("button", { name: "Transfer" })
      .click();
    await bob.getByText("Alice is now an owner.").waitFor();
    await bob.getByRole("button", { name: "Leave", exact: true }).click();
    await bob
      .getByRole("dialog", { name: "Leave Alice's organization?" })
      .getByRole("button", { name: "Leave" })
      .click();
    await bob.getByRole("heading", { level: 1, name: "Bob's organization" }).waitFor();

    await alice.goto("/orgs/new");
    await alice.getByLabel("Organization name").fill("Short-lived");
    await alice.getByRole("button", { name: "Create", exact: true }).click();
    await alice.getByRole("heading", { level: 1, name: "Short-lived" }).waitFor();
    await alice.getByRole("link", { name: "Settings", exact: true }).click();
    await alice.getByRole("button", { name: "Delete organization" }).click();
    const dialog = alice.getByRole("dialog", { name: "Delete Short-lived?" });
    const confirm = dialog.getByRole("button", { name: "Delete organization" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole("textbox").fill("Short-lived");
    await confirm.click();
    await alice.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();

    await alice.getByRole("button", { name: /^Organization: / }).click();
    const list = alice.getByRole("list", { name: "Switch organization" });
    await list.getByRole("button", { name: /Alice's organization\s*Owner/ }).waitFor();
    await list.getByRole("button", { name: "Manage organization" }).waitFor();
    expect(await list.textContent()).not.toContain("Short-lived");
    await look(alice, "20-switcher");
    await alice.keyboard.press("Escape");
    expect(await alice.locator("body").textContent()).not.toContain("(s)");
  });

  it("17: the mailbox finds mail by any part of the address and leads back; sessions name the device", async () => {
    await alice.goto("/dev/mailbox");
    await alice.getByLabel("Recipient").fill("CHEN.exa");
    await alice.locator(".mail-meta", { hasText: "carol@chen.example" }).first().waitFor();
    expect(
      (await alice.locator(".mail-meta").allTextContents()).every((m) => m.includes("carol@chen.example")),
    ).toBe(true);
    await look(alice, "21-mailbox");
    await alice.getByRole("link", { name: "Back to Roster" }).click();
    await alice.getByRole("heading", { level: 1, name: "Alice's organization" }).waitFor();

    await alice.goto("/account");
    const session = alice.locator("li", { hasText: "(this device)" });
    await session.waitFor();
    expect(await session.textContent()).toMatch(/^Chrome (\(headless\) )?\d+ on Linux · /);
    await look(alice, "22-account");
  });

  it("2: every look fit the phone's width", () => {
    expect(Object.keys(looks)).toHaveLength(22);
    const wider = Object.entries(looks).filter(([, l]) => l.some((w) => w.overflow.length > 0));
    expect(wider).toEqual([]);
  });
});
