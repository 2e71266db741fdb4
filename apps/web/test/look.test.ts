import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessible,
  confirmEmail,
  describedText,
  type Stage,
  signUp,
  startStage,
  sticksOut,
  topBarLines,
} from "./harness.js";

/**
 * How the app looks and reads: settings in sections with their own addresses, read-only views as
 * plain text, charts that read as months, one theme with the widgets, errors beside their fields,
 * and every page at 360 px without sideways scrolling (defects 2, 4, 11, 13, 14, 15).
 */
let stage: Stage;
let alice: Page;
let bob: Page;
let orgPath = "";

async function fitsPhone(page: Page, step: string) {
  await accessible(page, step);
  expect(await sticksOut(page), step).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), step).toBeLessThanOrEqual(360);
}

beforeAll(async () => {
  stage = await startStage();
  alice = (await stage.person("alice")).page;
  bob = (await stage.person("bob")).page;
  orgPath = await signUp(alice, "Alice Anderson-Longname", "alice.anderson.longname@example.com");
  await signUp(bob, "Bob", "bob@example.com");
  await confirmEmail(stage, bob, "bob@example.com");
  await alice.goto(`${orgPath}/members`);
  await alice
    .getByLabel("Email addresses")
    .fill("bob@example.com, carol.with.a.rather.long.address@example.com");
  await alice.getByRole("button", { name: "Send invitations" }).click();
  await alice.getByText("2 of 2 addresses were invited.").waitFor();
  await bob.goto("/");
  await bob.getByRole("button", { name: /^Accept/ }).click();
  await bob.getByRole("heading", { level: 1, name: /Anderson-Longname's organization/ }).waitFor();
  // A cluster run and stopped: usage to chart.
  await alice.goto(orgPath);
  await alice.getByLabel("New cluster name").fill("alpha");
  await alice.getByRole("button", { name: "Create cluster" }).click();
  await alice.getByRole("button", { name: "Stop alpha" }).click();
  await alice.getByRole("button", { name: "Start alpha" }).waitFor();
});
afterAll(() => stage?.close());

describe("settings in sections", () => {
  it("gives each section its own address, listed in the settings navigation", async () => {
    await alice.goto(`${orgPath}/settings`);
    await alice.waitForURL(`**${orgPath}/settings/general`);
    const nav = alice.getByRole("navigation", { name: "Settings sections" });
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "General",
      "Cloud credentials",
      "Roles and permissions",
      "Service accounts",
      "Webhooks",
    ]);
    await alice.getByRole("heading", { name: "Organization settings" }).waitFor();
    expect(
      await alice.getByRole("link", { name: "Settings", exact: true }).getAttribute("aria-current"),
    ).toBe("page");
    await nav.getByRole("link", { name: "Roles and permissions" }).click();
    await alice.waitForURL(`**${orgPath}/settings/roles`);
    expect(await nav.getByRole("link", { name: "Roles and permissions" }).getAttribute("aria-current")).toBe(
      "page",
    );
    await alice.goto(`${orgPath}/settings/webhooks`);
    await alice.getByLabel("Endpoint URL").waitFor();
    await accessible(alice, "look-01-settings-webhooks");
  });

  it("names each permission in words, with clear marks for built-in roles and switches for custom ones", async () => {
    await alice.goto(`${orgPath}/settings/roles`);
    const row = alice.getByRole("row", { name: /Invite people, resend, revoke and copy invitation links/ });
    await row.waitFor();
    // Built-in roles: marks, not disabled checkboxes.
    expect(await alice.getByRole("table").getByRole("checkbox").count()).toBe(0);
    expect(await row.getByText("Allowed", { exact: true }).count()).toBe(2);
    expect(await row.getByText("Not allowed", { exact: true }).count()).toBe(2);

    await alice.getByLabel("Name", { exact: true }).fill("Billing");
    await alice.getByLabel("Key", { exact: true }).fill("billing");
    await alice.getByRole("checkbox", { name: "Grant credits" }).check();
    await alice.getByRole("button", { name: "Create role" }).click();
    await alice.getByText("Role Billing created.").waitFor();
    const box = alice.getByRole("checkbox", { name: "Billing: Grant credits" });
    expect(await box.isChecked()).toBe(true);
    await alice.getByRole("checkbox", { name: "Billing: Read the audit log" }).check();
    await expect
      .poll(async () => {
        const roles = await alice.evaluate(async (path) => {
          const orgId = path.split("/")[2]!;
          const input = encodeURIComponent(JSON.stringify({ 0: { orgId } }));
          const res = await fetch(`/trpc/roles.list?batch=1&input=${input}`);
          return (await res.json())[0].result.data as { key: string; permissions: string[] }[];
        }, orgPath);
        return roles.find((r) => r.key === "billing")?.permissions.sort();
      })
      .toEqual(["audit:read", "credits:manage"]);
    await accessible(alice, "look-02-roles");
  });

  it("shows a member without the permission plain text, not inputs", async () => {
    await bob.goto(`${orgPath}/settings`);
    await bob.waitForURL(`**${orgPath}/settings/general`);
    const nav = bob.getByRole("navigation", { name: "Settings sections" });
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "General",
      "Cloud credentials",
      "Roles and permissions",
    ]);
    await bob.getByText("Your role does not allow changing these settings.").waitFor();
    expect(await bob.locator("main").getByRole("textbox").count()).toBe(0);
    await bob
      .getByRole("definition")
      .filter({ hasText: /Anderson-Longname's organization/ })
      .waitFor();

    await nav.getByRole("link", { name: "Cloud credentials" }).click();
    await bob.getByText("Your role can read them, not change them.").waitFor();
    expect(await bob.locator("main").getByRole("textbox").count()).toBe(0);
    expect(await bob.getByRole("button", { name: "Save credentials" }).count()).toBe(0);

    await nav.getByRole("link", { name: "Roles and permissions" }).click();
    await bob.getByText("Your role can read roles, not change them.").waitFor();
    expect(await bob.getByRole("checkbox").count()).toBe(0);
    expect(await bob.getByRole("button", { name: "Create role" }).count()).toBe(0);
    await accessible(bob, "look-03-member-roles");

    await bob.goto(`${orgPath}/settings/webhooks`);
    await bob.getByText("This section is not available").waitFor();
  });
});

describe("errors in people's words, next to their field", () => {
  it("puts a refused role key beside the Key field, without internal names", async () => {
    await alice.goto(`${orgPath}/settings/roles`);
    await alice.getByLabel("Name", { exact: true }).fill("Second billing");
    await alice.getByLabel("Key", { exact: true }).fill("billing");
    await alice.getByRole("button", { name: "Create role" }).click();
    const key = alice.getByLabel("Key", { exact: true });
    await expect.poll(() => key.getAttribute("aria-invalid")).toBe("true");
    expect(await describedText(key)).toContain(
      'A role with the key "billing" already exists. Choose another key.',
    );

    await key.fill("Not a key!");
    await alice.getByRole("button", { name: "Create role" }).click();
    await alice
      .getByText("Role keys use lowercase letters, digits, - and _, starting with a letter.")
      .waitFor();
    expect(await alice.locator("main").textContent()).not.toMatch(/\b(key|name|slug|token|amount):/);
  });

  it("counts characters as a limit nears", async () => {
    await alice.goto(`${orgPath}/settings/roles`);
    const name = alice.getByLabel("Name", { exact: true });
    await name.fill("x".repeat(50));
    await alice.getByText("50 of 60 characters").waitFor();
    await name.fill("x".repeat(80));
    expect(await name.inputValue()).toHaveLength(60);
  });
});

describe("charts", () => {
  it("shows six months by name, empty ones too, bars scaled to the largest, titles that match the grouping", async () => {
    await alice.goto(orgPath);
    const months = alice.getByRole("table", { name: "Credits by month" });
    await months.waitFor();
    const labels = await months.getByRole("rowheader").allTextContents();
    expect(labels).toHaveLength(6);
    for (const label of labels) expect(label).toMatch(/^[A-Z][a-z]{2} \d{4}$/);
    const now = new Date();
    expect(labels.at(-1)).toBe(
      new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" }).format(now),
    );
    const widths = await months
      .locator(".bar")
      .evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.width));
    expect(widths.slice(0, 5)).toEqual(["0%", "0%", "0%", "0%", "0%"]);
    expect(widths[5]).toBe("100%");

    await alice.getByRole("table", { name: "Credits by member" }).waitFor();
    await alice.getByLabel("Group by").selectOption("resource");
    await alice
      .getByRole("table", { name: "Credits by cluster" })
      .getByRole("rowheader", { name: "alpha" })
      .waitFor();
    await accessible(alice, "look-04-charts");
  });
});

describe("one look", () => {
  it("wears the widgets' palette: the app's primary button is the widgets' primary colour", async () => {
    await alice.goto(orgPath);
    const colours = await alice.getByRole("button", { name: "Create cluster" }).evaluate((button) => {
      const probe = document.createElement("span");
      probe.style.color = "var(--roster-color-primary)";
      button.closest(".roster-root")!.append(probe);
      const widget = getComputedStyle(probe).color;
      probe.remove();
      return { app: getComputedStyle(button).backgroundColor, widget };
    });
    expect(colours.app).toBe(colours.widget);
  });

  it("opens the organization switcher as a popover with names, roles, Manage and Create", async () => {
    await alice.goto(orgPath);
    await alice.getByRole("button", { name: /^Organization: / }).click();
    const list = alice.getByRole("list", { name: "Switch organization" });
    await list.getByRole("button", { name: /Anderson-Longname's organization\s*Owner/ }).waitFor();
    await accessible(alice, "look-05-switcher");
    await list.getByRole("button", { name: "Manage organization" }).click();
    await alice.waitForURL(`**${orgPath}/settings/general`);
  });

  it("says '1 member' and '2 members', never 'member(s)'", async () => {
    await alice.goto(`${orgPath}/settings/general`);
    await alice.getByTestId("member-count").getByText("2 members").waitFor();
    expect(await alice.locator("body").textContent()).not.toContain("(s)");
  });

  it("shows a toast without covering any button", async () => {
    await alice.goto(orgPath);
    await alice.getByLabel("Credits to add").fill("5");
    await alice.getByRole("button", { name: "Add credits" }).click();
    const toast = alice.locator(".toast").filter({ hasText: "5 credits added." });
    await toast.waitFor();
    const covered = await toast.evaluate((t) => {
      const box = t.getBoundingClientRect();
      return [...document.querySelectorAll("button, a, input, select")]
        .filter((el) => {
          const b = el.getBoundingClientRect();
          return (
            b.width > 0 &&
            b.left < box.right &&
            b.right > box.left &&
            b.top < box.bottom &&
            b.bottom > box.top
          );
        })
        .map((el) => el.textContent);
    });
    expect(covered).toEqual([]);
  });
});

describe("leave, delete and transfer from the app", () => {
  it("deletes an organization only after its name is typed, then shows another one", async () => {
    await alice.goto("/orgs/new");
    await alice.getByLabel("Organization name").fill("Short-lived");
    await alice.getByRole("button", { name: "Create", exact: true }).click();
    await alice.getByRole("heading", { level: 1, name: "Short-lived" }).waitFor();
    await alice.getByRole("link", { name: "Settings", exact: true }).click();
    await alice.getByRole("heading", { name: "Transfer ownership" }).waitFor();
    await alice.getByRole("button", { name: "Leave" }).waitFor();
    await alice.getByRole("button", { name: "Delete organization" }).click();
    const dialog = alice.getByRole("dialog", { name: "Delete Short-lived?" });
    const confirm = dialog.getByRole("button", { name: "Delete organization" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole("textbox").fill("Short-lived");
    await confirm.click();
    await alice.getByRole("heading", { level: 1, name: /Anderson-Longname's organization/ }).waitFor();
    await alice.getByRole("button", { name: /^Organization: / }).click();
    const names = await alice.getByRole("list", { name: "Switch organization" }).textContent();
    expect(names).not.toContain("Short-lived");
  });
});

describe("at 360 px", () => {
  it("fits every page of the app in the width, with every row's actions on the screen", async () => {
    await alice.setViewportSize({ width: 360, height: 740 });
    const pages: [string, string, () => Promise<unknown>][] = [
      ["", "dashboard", () => alice.locator('tr[data-cluster="alpha"]').waitFor()],
      ["/members", "members", () => alice.getByRole("button", { name: "Remove Bob" }).waitFor()],
      ["/workspaces", "workspaces", () => alice.getByLabel("New workspace name").waitFor()],
      ["/audit", "audit", () => alice.getByRole("heading", { level: 1, name: "Audit log" }).waitFor()],
      ["/security", "security", () => alice.getByRole("heading", { level: 1, name: "Security" }).waitFor()],
      ...["general", "credentials", "roles", "service-accounts", "webhooks"].map(
        (s) =>
          [
            `/settings/${s}`,
            `settings-${s}`,
            () => alice.getByRole("navigation", { name: "Settings sections" }).waitFor(),
          ] as [string, string, () => Promise<unknown>],
      ),
    ];
    for (const [path, name, ready] of pages) {
      await alice.goto(`${orgPath}${path}`);
      await ready();
      await fitsPhone(alice, `look-360-${name}`);
    }
    // The roles table turns into one card per permission: nothing to scroll sideways, even inside it.
    await alice.goto(`${orgPath}/settings/roles`);
    const roles = alice.getByRole("region", { name: "Permissions by role" });
    await roles.waitFor();
    expect(await roles.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    // The top bar: the brand and the switcher on one line, the account links on a second.
    expect(await topBarLines(alice)).toBeLessThanOrEqual(2);
    // The members page: a person's actions are on the screen, not off to the right.
    await alice.goto(`${orgPath}/members`);
    for (const action of ["Change role Bob", "Deactivate Bob", "Remove Bob"]) {
      const box = await alice.getByRole("button", { name: action }).boundingBox();
      expect(box!.x + box!.width, action).toBeLessThanOrEqual(360);
    }
    // The tab bar reaches every tab by scrolling it; the last is not cut off.
    await alice.getByRole("link", { name: "Audit log" }).click();
    await alice.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await alice.getByRole("button", { name: /^Organization: / }).click();
    await fitsPhone(alice, "look-360-switcher-open");
    await alice.keyboard.press("Escape");

    for (const [path, step] of [
      ["/account", "account"],
      ["/dev/mailbox", "mailbox"],
      ["/orgs/new", "new-organization"],
    ] as const) {
      await alice.goto(path);
      await alice.getByRole("heading", { level: 1 }).first().waitFor();
      await fitsPhone(alice, `look-360-${step}`);
    }
    const anonymous = (await stage.person("anonymous", { width: 360, height: 740 })).page;
    for (const path of [
      "/sign-in",
      "/sign-up",
      "/forgot-password",
      "/invite/not-a-real-invitation-token-at-all",
    ]) {
      await anonymous.goto(path);
      await anonymous.getByRole("heading", { level: 1 }).waitFor();
      await fitsPhone(anonymous, `look-360${path.replaceAll("/", "-").slice(0, 30)}`);
    }
  });
});
