import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { ApiKeys } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";
import { freshTeam } from "./team.js";

const roster = inject("roster");

afterEach(cleanup);

describe("ApiKeys against a real Roster server", () => {
  it("creates a service account and a key shown once, which works until it is revoked", async () => {
    const { org, owner } = await freshTeam("Keys Labs");
    const container = withRoster(roster.tokens.owner, <ApiKeys orgId={org.id} />);
    await expect.element(page.getByText("No service accounts yet.")).toBeVisible();
    await page.getByRole("textbox", { name: "Name" }).fill("Nightly export");
    await page.getByRole("combobox", { name: "Role" }).selectOptions("viewer");
    await page.getByRole("button", { name: "Create service account" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Nightly export was created.");
    await expect
      .element(page.getByRole("row", { name: /Nightly export/ }))
      .toHaveTextContent(/Viewer.*0 keys/);

    const keys = page.getByRole("region", { name: "API keys of Nightly export" });
    await keys.getByRole("textbox", { name: "Key name" }).fill("Warehouse");
    await keys.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog", { name: "Your new API key" });
    const field = dialog.getByRole("textbox", { name: "Warehouse" });
    await expect.element(field).toBeVisible();
    const secret = (field.element() as HTMLInputElement).value;
    expect(secret).toMatch(/^rk_[a-z2-9]{24}_\S{20,}$/);
    await dialog.getByRole("button", { name: "Copy key" }).click();
    await expect.element(dialog.getByRole("status")).toHaveTextContent("The key was copied.");
    expect(await navigator.clipboard.readText()).toBe(secret);
    await dialog.getByRole("button", { name: "Done" }).click();

    // Shown once: the list has only the masked key, never the secret.
    await expect.element(keys.getByRole("row", { name: /Warehouse/ })).toHaveTextContent(/rk_.*••••/);
    expect(container.textContent).not.toContain(secret.slice(-12));
    const withKey = createRosterClient({ url: roster.url, apiKey: secret });
    expect((await withKey.orgs.get.query({ orgId: org.id })).name).toBe("Keys Labs");

    await keys.getByRole("button", { name: "Revoke Warehouse" }).click();
    await page
      .getByRole("dialog", { name: "Revoke the key Warehouse?" })
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect.element(page.getByRole("status")).toHaveTextContent("The key Warehouse was revoked.");
    await expect(withKey.orgs.get.query({ orgId: org.id })).rejects.toMatchObject({
      data: { reason: "INVALID_API_KEY" },
    });
    const accounts = await owner.serviceAccounts.list.query({ orgId: org.id });
    expect(accounts.map((a) => [a.name, a.role, a.keys])).toEqual([["Nightly export", "viewer", 0]]);
  });

  it("removes a service account after asking", async () => {
    const { org, owner } = await freshTeam("Cleanup Labs");
    await owner.serviceAccounts.create.mutate({ orgId: org.id, name: "Old bot", role: "member" });
    withRoster(roster.tokens.owner, <ApiKeys orgId={org.id} />);
    await page.getByRole("button", { name: "Remove Old bot" }).click();
    await page
      .getByRole("dialog", { name: "Delete Old bot?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Old bot was deleted.");
    expect(await owner.serviceAccounts.list.query({ orgId: org.id })).toEqual([]);
  });

  it("shows a member the service accounts without their keys or any action", async () => {
    const { org, owner } = await freshTeam("Read Labs");
    await owner.serviceAccounts.create.mutate({ orgId: org.id, name: "Visible bot", role: "member" });
    withRoster(roster.tokens.viewer, <ApiKeys orgId={org.id} />);
    await expect.element(page.getByRole("row", { name: /Visible bot/ })).toBeVisible();
    await expect
      .element(page.getByText("Your role does not allow managing service accounts and keys."))
      .toBeVisible();
    expect(page.getByRole("button", { name: "Keys of Visible bot" }).query()).toBeNull();
    expect(page.getByRole("button", { name: "Create service account" }).query()).toBeNull();
  });
});
