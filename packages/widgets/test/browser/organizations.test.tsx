import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { page, userEvent } from "vitest/browser";
import { CreateOrganization, OrganizationSwitcher } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");
const owner = () => createRosterClient({ url: roster.url, token: roster.tokens.owner });

afterEach(cleanup);

describe("OrganizationSwitcher and CreateOrganization against a real Roster server", () => {
  it("creates an organization, then switches to another one by keyboard", async () => {
    const onCreated = vi.fn();
    const onSwitch = vi.fn();
    withRoster(
      roster.tokens.owner,
      <>
        <OrganizationSwitcher onSwitch={onSwitch} />
        <CreateOrganization onCreated={onCreated} />
      </>,
    );
    await page.getByRole("textbox", { name: "Organization name" }).fill("Zeta Labs");
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect.element(page.getByRole("status").last()).toHaveTextContent("Zeta Labs was created.");
    const zeta = onCreated.mock.calls[0]?.[0] as { orgId: string };
    expect((await owner().orgs.list.query()).find((o) => o.id === zeta.orgId)?.name).toBe("Zeta Labs");

    // Creating made Zeta Labs the active organization.
    const toggle = page.getByRole("button", { name: "Organization: Zeta Labs" });
    await expect.element(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    const list = page.getByRole("list", { name: "Switch organization" });
    await expect
      .element(list.getByRole("button", { name: /Zeta Labs/ }))
      .toHaveAttribute("aria-current", "true");
    await userEvent.keyboard("{Escape}");
    expect(list.query()).toBeNull();
    await expect.element(toggle).toHaveFocus();

    await userEvent.keyboard("{Enter}");
    await list.getByRole("button", { name: /Acme/ }).click();
    await expect.element(page.getByRole("button", { name: "Organization: Acme" })).toHaveFocus();
    expect(onSwitch).toHaveBeenCalledWith(expect.objectContaining({ orgId: roster.orgs.acme }));
    expect((await owner().orgs.list.query()).find((o) => o.active)?.id).toBe(roster.orgs.acme);
  });

  it("is a popover of names and roles that ends with Manage and Create, and closes on a click outside", async () => {
    const onCreate = vi.fn();
    const onManage = vi.fn();
    withRoster(
      roster.tokens.owner,
      <>
        <p>Outside</p>
        <OrganizationSwitcher currentOrgId={roster.orgs.acme} onCreate={onCreate} onManage={onManage} />
      </>,
    );
    const toggle = page.getByRole("button", { name: "Organization: Acme" });
    await toggle.click();
    const list = page.getByRole("list", { name: "Switch organization" });
    await expect.element(list.getByRole("button", { name: /Acme/ })).toHaveTextContent(/Owner$/);
    await list.getByRole("button", { name: "Manage organization" }).click();
    expect(onManage).toHaveBeenCalledWith(roster.orgs.acme);
    expect(list.query()).toBeNull();

    await toggle.click();
    await list.getByRole("button", { name: "Create organization" }).click();
    expect(onCreate).toHaveBeenCalledTimes(1);

    await toggle.click();
    await expect.element(list).toBeVisible();
    await page.getByText("Outside").click();
    await expect.poll(() => list.query()).toBeNull();
  });

  it("says what is wrong when the name is missing", async () => {
    withRoster(roster.tokens.owner, <CreateOrganization />);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Enter a name for the organization.");
  });
});
