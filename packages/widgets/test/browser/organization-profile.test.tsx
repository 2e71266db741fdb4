import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { page, userEvent } from "vitest/browser";
import { OrganizationProfile } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";
import { freshTeam } from "./team.js";

const roster = inject("roster");

afterEach(cleanup);

describe("OrganizationProfile against a real Roster server", () => {
  it("saves the name, URL name, logo and the metadata the host allows, keeping other metadata", async () => {
    const { org, owner } = await freshTeam("Profile Labs");
    await owner.orgs.update.mutate({ orgId: org.id, metadata: { plan: "Team", hostOnly: 7 } });
    withRoster(
      roster.tokens.owner,
      <OrganizationProfile orgId={org.id} metadataFields={[{ key: "plan", label: "Plan" }]} />,
    );
    const name = page.getByRole("textbox", { name: "Organization name" });
    await expect.element(name).toHaveValue("Profile Labs");
    await expect.element(page.getByRole("textbox", { name: "Plan" })).toHaveValue("Team");
    await name.fill("Profile Labs GmbH");
    await page.getByRole("textbox", { name: "URL name" }).fill("profile-labs-gmbh");
    await page.getByRole("textbox", { name: "Logo URL" }).fill("https://cdn.example.com/p.png");
    await page.getByRole("textbox", { name: "Plan" }).fill("Enterprise");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Changes saved.");

    const saved = await owner.orgs.get.query({ orgId: org.id });
    expect(saved).toMatchObject({
      name: "Profile Labs GmbH",
      slug: "profile-labs-gmbh",
      metadata: { plan: "Enterprise", hostOnly: 7, logoUrl: "https://cdn.example.com/p.png" },
    });
    await expect.element(page.getByRole("img", { name: "Profile Labs GmbH logo" })).toBeVisible();
  });

  it("shows why a change was refused and changes nothing", async () => {
    const { org, owner } = await freshTeam("Slug Clash");
    const acme = await owner.orgs.get.query({ orgId: roster.orgs.acme });
    withRoster(roster.tokens.owner, <OrganizationProfile orgId={org.id} />);
    await page.getByRole("textbox", { name: "URL name" }).fill(acme.slug);
    await page.getByRole("button", { name: "Save changes" }).click();
    // Said next to the field it concerns, which is marked invalid.
    const slugField = page.getByRole("textbox", { name: "URL name" });
    await expect.element(slugField).toHaveAttribute("aria-invalid", "true");
    await expect
      .element(slugField)
      .toHaveAccessibleDescription(/Another organization already uses this name in its address\./);
    expect((await owner.orgs.get.query({ orgId: org.id })).slug).not.toBe(acme.slug);
  });

  it("makes another member an owner after asking", async () => {
    const { org, owner } = await freshTeam("Transfer Labs");
    withRoster(roster.tokens.owner, <OrganizationProfile orgId={org.id} />);
    await page.getByRole("combobox", { name: "New owner" }).selectOptions("Victor Viewer");
    await page.getByRole("button", { name: "Transfer" }).click();
    const dialog = page.getByRole("dialog", { name: "Make Victor Viewer an owner?" });
    await dialog.getByRole("button", { name: "Transfer" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Victor Viewer is now an owner.");
    const { items } = await owner.members.list.query({ orgId: org.id, search: "victor" });
    expect(items[0]?.role).toBe("owner");
  });

  it("deletes only once the organization's name is typed", async () => {
    const { org, owner } = await freshTeam("Doomed Labs");
    const onDeleted = vi.fn();
    withRoster(roster.tokens.owner, <OrganizationProfile orgId={org.id} onDeleted={onDeleted} />);
    await page.getByRole("button", { name: "Delete organization" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Doomed Labs?" });
    const confirm = dialog.getByRole("button", { name: "Delete organization" });
    await expect.element(confirm).toBeDisabled();
    await dialog.getByRole("textbox", { name: "Type Doomed Labs to confirm" }).fill("Doomed Lab");
    await userEvent.keyboard("{Enter}");
    await expect.element(confirm).toBeDisabled();
    expect((await owner.orgs.get.query({ orgId: org.id })).name).toBe("Doomed Labs");

    await dialog.getByRole("textbox", { name: "Type Doomed Labs to confirm" }).fill("Doomed Labs");
    await confirm.click();
    await expect.poll(() => onDeleted.mock.calls.length).toBe(1);
    await expect(owner.orgs.get.query({ orgId: org.id })).rejects.toMatchObject({
      data: { reason: "ORG_NOT_FOUND" },
    });
  });

  it("shows a member the settings read-only and lets them leave", async () => {
    const { org, owner } = await freshTeam("Leaving Labs");
    const onLeft = vi.fn();
    withRoster(roster.tokens.viewer, <OrganizationProfile orgId={org.id} onLeft={onLeft} />);
    await expect.element(page.getByText("Your role does not allow changing these settings.")).toBeVisible();
    // Plain text, not inputs that look editable.
    await expect.element(page.getByRole("definition").first()).toHaveTextContent("Leaving Labs");
    expect(page.getByRole("textbox").query()).toBeNull();
    expect(page.getByRole("button", { name: "Delete organization" }).query()).toBeNull();
    expect(page.getByRole("combobox", { name: "New owner" }).query()).toBeNull();

    await page.getByRole("button", { name: "Leave" }).click();
    await page
      .getByRole("dialog", { name: "Leave Leaving Labs?" })
      .getByRole("button", { name: "Leave" })
      .click();
    await expect.poll(() => onLeft.mock.calls.length).toBe(1);
    const { items } = await owner.members.list.query({ orgId: org.id });
    expect(items.map((i) => i.name)).toEqual(["Olivia Owner"]);
  });

  it("refuses to let the last owner leave, saying what to do", async () => {
    const { org } = await freshTeam("Owned Labs");
    withRoster(roster.tokens.owner, <OrganizationProfile orgId={org.id} />);
    await page.getByRole("button", { name: "Leave" }).click();
    const dialog = page.getByRole("dialog", { name: "Leave Owned Labs?" });
    await dialog.getByRole("button", { name: "Leave" }).click();
    await expect.element(dialog.getByRole("alert")).toHaveTextContent("at least one active owner");
  });
});
