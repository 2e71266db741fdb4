import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { page, userEvent } from "vitest/browser";
import { InviteForm, MemberList } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");
const { acme } = roster.orgs;
const owner = () => createRosterClient({ url: roster.url, token: roster.tokens.owner });
const chips = (container: HTMLElement) =>
  [...container.querySelectorAll(".roster-chip")].map((c) => [
    c.querySelector("span")?.textContent,
    c.hasAttribute("data-invalid"),
  ]);

afterEach(cleanup);

describe("InviteForm against a real Roster server", () => {
  it("invites three typed addresses, marks the invalid one before sending and reports each", async () => {
    const onAfter = vi.fn();
    const container = withRoster(roster.tokens.owner, <InviteForm orgId={acme} onAfter={onAfter} />);
    const field = page.getByRole("textbox", { name: "Email addresses" });
    await expect.element(page.getByRole("combobox", { name: "Role" })).toHaveValue("member");
    await field.fill("nora@widgets.example, oscar@widgets.example not-an-email");
    await userEvent.keyboard("{Enter}");
    expect(chips(container)).toEqual([
      ["nora@widgets.example", false],
      ["oscar@widgets.example", false],
      ["not-an-email", true],
    ]);
    await expect.element(page.getByText("1 address is not valid and will not be invited.")).toBeVisible();
    await expect.element(field).toHaveAttribute("aria-invalid", "true");

    await page.getByRole("combobox", { name: "Role" }).selectOptions("viewer");
    await page.getByRole("button", { name: "Send invitations" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("2 of 3 addresses were invited.");
    const results = page.getByRole("list", { name: "Results" });
    await expect
      .element(results)
      .toHaveTextContent(
        /nora@widgets\.example\s*Invited\s*oscar@widgets\.example\s*Invited\s*not-an-email\s*Not a valid address/,
      );
    expect(onAfter).toHaveBeenCalledWith(
      {
        type: "invite",
        orgId: acme,
        role: "viewer",
        emails: ["nora@widgets.example", "oscar@widgets.example", "not-an-email"],
      },
      expect.objectContaining({ ok: true }),
    );

    const { items } = await owner().members.list.query({ orgId: acme, status: "invited" });
    const invited = items.filter((i) => ["nora@widgets.example", "oscar@widgets.example"].includes(i.email));
    expect(invited.map((i) => i.role)).toEqual(["viewer", "viewer"]);
  });

  it("takes pasted lists, removes chips, and says who is already a member or already invited", async () => {
    const container = withRoster(roster.tokens.owner, <InviteForm orgId={acme} />);
    const field = page.getByRole("textbox", { name: "Email addresses" });
    await field.click();
    const pasted = new DataTransfer();
    pasted.setData(
      "text",
      "erin@widgets.example\nnora@widgets.example;\npaula@widgets.example\nquinn@widgets.example",
    );
    field.element().dispatchEvent(new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true }));
    await expect.poll(() => chips(container).length).toBe(4);

    await page.getByRole("button", { name: "Remove quinn@widgets.example" }).click();
    expect(chips(container).map(([email]) => email)).toEqual([
      "erin@widgets.example",
      "nora@widgets.example",
      "paula@widgets.example",
    ]);
    await expect.element(field).toHaveFocus();

    await page.getByRole("button", { name: "Send invitations" }).click();
    const results = page.getByRole("list", { name: "Results" });
    await expect
      .element(results)
      .toHaveTextContent(
        /erin@widgets\.example\s*Already a member\s*nora@widgets\.example\s*Already invited\s*paula@widgets\.example\s*Invited/,
      );
    expect(chips(container)).toEqual([]);
  });

  it("follows the invitations it lists: resent and revoked beside it, or revoked elsewhere", async () => {
    withRoster(
      roster.tokens.owner,
      <>
        <InviteForm orgId={acme} />
        <MemberList orgId={acme} />
      </>,
    );
    await page
      .getByRole("textbox", { name: "Email addresses" })
      .fill("rita@widgets.example, sam@joiners.example");
    await page.getByRole("button", { name: "Send invitations" }).click();
    const results = page.getByRole("list", { name: "Results" });
    const rita = results.getByRole("listitem").filter({ hasText: "rita@widgets.example" });
    await expect.element(rita).toHaveTextContent(/Invited$/);

    await page.getByRole("button", { name: "Resend rita@widgets.example" }).click();
    await expect.element(rita).toHaveTextContent(/Invited\s*sent 2 times$/);
    await page.getByRole("button", { name: "Revoke rita@widgets.example" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await expect.element(rita).toHaveTextContent(/Revoked$/);
    await expect.element(rita).toHaveAttribute("data-invitation-status", "revoked");

    // Someone else revokes the other invitation, from another page: the list learns of it.
    const sam = results.getByRole("listitem").filter({ hasText: "sam@joiners.example" });
    const { items } = await owner().invitations.list.query({ orgId: acme, status: "pending" });
    const samInvitation = items.find((i) => i.email === "sam@joiners.example")!;
    await owner().invitations.revoke.mutate({ orgId: acme, invitationId: samInvitation.id });
    await expect.element(sam, { timeout: 60_000 }).toHaveTextContent(/Revoked$/);
  });

  it("says when nothing was entered and when the role may not invite", async () => {
    withRoster(roster.tokens.owner, <InviteForm orgId={acme} />);
    await page.getByRole("button", { name: "Send invitations" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Enter at least one email address.");
    cleanup();

    withRoster(roster.tokens.viewer, <InviteForm orgId={acme} />);
    await expect.element(page.getByText("Your role does not allow inviting people.")).toBeVisible();
    expect(page.getByRole("button", { name: "Send invitations" }).query()).toBeNull();
  });
});
