import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, confirmEmail, type Stage, signUp, startStage } from "./harness.js";

/**
 * Verified domains from both sides: an owner proves a domain and chooses what happens to people
 * on it; a person who then signs up there sees an invitation (automatic), an offer to ask to join
 * (suggestion), or nothing (an unverified or a public domain).
 */
let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
});
afterAll(() => stage?.close());

async function person(name: string, email: string): Promise<{ page: Page; orgPath: string }> {
  const { page } = await stage.person(name);
  const orgPath = await signUp(page, name, email);
  await confirmEmail(stage, page, email);
  return { page, orgPath };
}

/** The owner proves `domain` with their own confirmed address and sets what happens to people there. */
async function verifyDomain(page: Page, orgPath: string, domain: string, choice: string) {
  await page.goto(`${orgPath}/security`);
  await page.getByRole("textbox", { name: "Domain" }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByText(`${domain} was added.`).waitFor();
  await page.getByRole("button", { name: "Verify with my email address" }).click();
  await page.getByRole("status").getByText(`${domain} is verified.`).waitFor();
  await page.getByLabel(`People at ${domain}`).selectOption({ label: choice });
  // The page also has "Save sign-in policy".
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText(`What happens to people at ${domain} was saved.`).waitFor();
}

describe("people signing up on an organization's domain", () => {
  it("are invited automatically on an invitation domain, and join from the dashboard", async () => {
    const olga = await person("Olga", "olga@acme.example");
    await verifyDomain(olga.page, olga.orgPath, "acme.example", "Are invited automatically");
    await accessible(olga.page, "domains-01-verified-domain");

    const ann = await person("Ann", "ann@acme.example");
    await ann.page.goto(ann.orgPath);
    const invitations = ann.page.getByRole("region", { name: "Invitations" });
    await invitations.getByRole("button", { name: "Accept Olga's organization" }).waitFor();
    await accessible(ann.page, "domains-02-invited-by-domain");
    await ann.page.getByRole("button", { name: "Accept Olga's organization" }).click();
    await ann.page.getByRole("heading", { level: 1, name: "Olga's organization" }).waitFor();
  });

  it("see the organization and may ask to join on a suggestion domain; the admin approves", async () => {
    const sam = await person("Sam", "sam@suggest.example");
    await verifyDomain(sam.page, sam.orgPath, "suggest.example", "May ask to join");

    const sue = await person("Sue", "sue@suggest.example");
    await sue.page.goto(sue.orgPath);
    const offer = sue.page.getByRole("region", { name: "Organizations you can join" });
    await offer.getByText("Sam's organization welcomes people with an address at suggest.example.").waitFor();
    expect(await sue.page.getByRole("region", { name: "Invitations" }).count()).toBe(0);
    await sue.page.getByRole("button", { name: "Ask to join Sam's organization" }).click();
    await sue.page.getByText("Your request is waiting for an administrator.").waitFor();
    await accessible(sue.page, "domains-03-asked-to-join");

    await sam.page.goto(`${sam.orgPath}/members`);
    await sam.page.getByText("Sue (sue@suggest.example) asks to join.").waitFor();
    await sam.page.getByRole("button", { name: "Approve Sue" }).click();
    await sam.page.getByRole("status").getByText("Sue joined as Member.").waitFor();
    await sam.page.getByRole("row", { name: /sue@suggest\.example/ }).waitFor();
    await accessible(sam.page, "domains-04-request-approved");
  });

  it("see nothing on a domain that is not verified, or on a public mail domain", async () => {
    const pending = await person("Owen", "owen@pending.example");
    await pending.page.goto(`${pending.orgPath}/security`);
    await pending.page.getByRole("textbox", { name: "Domain" }).fill("pending.example");
    await pending.page.getByRole("button", { name: "Add domain" }).click();
    await pending.page.getByText("pending.example was added.").waitFor();
    await pending.page.getByRole("textbox", { name: "Domain" }).fill("gmail.com");
    await pending.page.getByRole("button", { name: "Add domain" }).click();
    await pending.page
      .getByRole("status")
      .getByText(/public/i)
      .waitFor();

    for (const [name, email] of [
      ["Pia", "pia@pending.example"],
      ["Gus", "gus@gmail.com"],
    ] as const) {
      const someone = await person(name, email);
      // Both questions answered (a batch may carry both), then nothing was shown for them.
      const answered = (procedure: string) =>
        someone.page.waitForResponse((r) => r.url().includes(procedure) && r.ok());
      const asked = Promise.all([answered("joinRequests.suggestions"), answered("invitations.mine")]);
      await someone.page.goto(someone.orgPath);
      await asked;
      await someone.page.getByRole("heading", { level: 1, name: `${name}'s organization` }).waitFor();
      expect(await someone.page.getByRole("region", { name: "Invitations" }).count()).toBe(0);
      expect(await someone.page.getByRole("region", { name: "Organizations you can join" }).count()).toBe(0);
    }
  });
});
