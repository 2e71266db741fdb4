import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, type Stage, signUp, startStage } from "./harness.js";

/**
 * The small things a new person meets: the dev mailbox finds mail by any part of the address and
 * leads back, the "confirm your email" note resends the link and says when it may be asked for
 * again, and sessions name their device and browser.
 */
let stage: Stage;
let dora: Page;
let orgPath = "";

beforeAll(async () => {
  stage = await startStage();
  dora = (await stage.person("dora")).page;
  orgPath = await signUp(dora, "Dora", "dora.lee@example.org");
});
afterAll(() => stage?.close());

describe("the dev mailbox", () => {
  it("finds mail by any part of the address, and leads back to the app", async () => {
    await dora.goto("/dev/mailbox");
    const subjects = dora.locator(".mail-subject");
    for (const part of ["dora", "LEE@EXAMPLE", "example.org", "dora.lee@example.org"]) {
      await dora.getByLabel("Recipient").fill(part);
      await dora.locator(".mail-meta", { hasText: "dora.lee@example.org" }).first().waitFor();
    }
    await dora.getByLabel("Recipient").fill("nobody-like-this");
    await dora.getByText("No emails yet").waitFor();
    expect(await subjects.count()).toBe(0);
    // "%" and "_" are letters here, not patterns.
    await dora.getByLabel("Recipient").fill("d_ra");
    await dora.getByText("No emails yet").waitFor();
    await accessible(dora, "small-01-mailbox");
    await dora.getByRole("link", { name: "Back to Roster" }).click();
    await dora.getByRole("heading", { level: 1, name: "Dora's organization" }).waitFor();
    expect(new URL(dora.url()).pathname).toBe(orgPath);
  });
});

describe("confirming the address", () => {
  it("resends the link from the dashboard's note and says when it may be asked for again", async () => {
    const note = dora.getByRole("note", { name: "Confirm your email" });
    await note.waitFor();
    expect(await dora.locator(".roster-accept-banner").count()).toBe(0);
    const sent = "We sent a new confirmation link to dora.lee@example.org.";
    for (let i = 0; i < 3; i++) {
      await note.getByRole("button", { name: "Send the link again" }).click();
      await note.getByRole("status").filter({ hasText: sent }).waitFor();
      await note.getByRole("button", { name: "Send the link again" }).and(dora.locator(":enabled")).waitFor();
    }
    await note.getByRole("button", { name: "Send the link again" }).click();
    const refused = note.getByRole("status").filter({ hasText: /You can ask again in \d+ minutes \(at / });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^We already sent several links in the last hour\./);
    await accessible(dora, "small-02-resend-refused");
  });
});

describe("sessions", () => {
  it("name the device and browser instead of the raw user agent", async () => {
    await dora.goto("/account");
    await dora.getByRole("heading", { name: "Sessions" }).waitFor();
    const item = dora.locator("li", { hasText: "(this device)" });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/^Chrome (\(headless\) )?\d+ on Linux · /);
    expect(await item.textContent()).not.toContain("Mozilla/5.0");
  });
});

describe("copying an invitation link", () => {
  it("confirms next to the button, in the invitation's row", async () => {
    await dora.goto(`${orgPath}/members`);
    await dora.getByLabel("Email addresses").fill("erin@example.com");
    await dora.getByRole("button", { name: "Send invitations" }).click();
    await dora.getByText("1 of 1 address was invited.").waitFor();
    const row = dora.getByRole("row", { name: /erin@example\.com/ });
    await row.getByRole("button", { name: "Copy link erin@example.com" }).click();
    // Copied, or (without clipboard access) the link itself to copy by hand: either way, by the button.
    const outcome = row.locator('[data-outcome="copy-link"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/The invitation link was copied\.|\/invite\//);
    await dora
      .getByRole("status")
      .filter({ hasText: (await outcome.textContent()) ?? "" })
      .waitFor();
    await accessible(dora, "small-03-link-copied");
  });
});
