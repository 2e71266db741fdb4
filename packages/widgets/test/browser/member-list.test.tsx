import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { page, userEvent } from "vitest/browser";
import { MemberList } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");
const { acme, big } = roster.orgs;
const owner = () => createRosterClient({ url: roster.url, token: roster.tokens.owner });
const rows = (container: HTMLElement) => container.querySelectorAll("tbody tr");

afterEach(cleanup);

/** Invites `email` to Acme and resends it five times, the most an hour allows. */
async function sentFiveTimes(email: string) {
  const { results } = await owner().invitations.create.mutate({
    orgId: acme,
    emails: [email],
    role: "member",
  });
  const invitationId = results[0]!.invitationId!;
  for (let i = 0; i < 5; i++) await owner().invitations.resend.mutate({ orgId: acme, invitationId });
}

describe("MemberList against a real Roster server", () => {
  it("lists members and pending invitations with status, role and joined date", async () => {
    const container = withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    const bob = page.getByRole("row", { name: /Bob Builder/ });
    await expect.element(bob).toHaveTextContent(/Member.*Active/);
    await expect
      .element(page.getByRole("row", { name: /pending\.person@widgets\.example/ }))
      .toHaveTextContent(/Invited/);
    expect(container.querySelector("time")?.getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The owner's own row has no actions on themselves.
    await expect.element(page.getByRole("row", { name: /Olivia Owner/ })).toHaveTextContent("(you)");
    expect(page.getByRole("button", { name: "Deactivate Olivia Owner" }).query()).toBeNull();
  });

  it("changes a member's role in a dialog and returns focus to the button that opened it", async () => {
    const onAfter = vi.fn();
    withRoster(roster.tokens.owner, <MemberList orgId={acme} onAfter={onAfter} />);
    const trigger = page.getByRole("button", { name: "Change role Bob Builder" });
    await trigger.click();
    const dialog = page.getByRole("dialog", { name: "Change Bob Builder's role" });
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole("combobox", { name: "New role" }).selectOptions("admin");
    await dialog.getByRole("button", { name: "Save" }).click();

    await expect.element(page.getByRole("status")).toHaveTextContent("Bob Builder is now Admin.");
    await expect.element(page.getByRole("row", { name: /Bob Builder/ })).toHaveTextContent(/Admin/);
    expect(dialog.query()).toBeNull();
    await expect.element(trigger).toHaveFocus();
    expect(onAfter).toHaveBeenCalledWith(
      { type: "updateRole", orgId: acme, userId: roster.users.bob.id, role: "admin" },
      expect.objectContaining({ ok: true }),
    );
    const { items } = await owner().members.list.query({ orgId: acme, search: "bob" });
    expect(items.map((i) => [i.name, i.role])).toEqual([["Bob Builder", "admin"]]);
  });

  it("asks before deactivating; Escape cancels and keeps focus on the trigger", async () => {
    withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    const trigger = page.getByRole("button", { name: "Deactivate Carol Chen" });
    await trigger.click();
    const dialog = page.getByRole("dialog", { name: "Deactivate Carol Chen?" });
    await expect.element(dialog).toBeVisible();
    // Focus starts on Cancel and stays inside the dialog.
    await expect.element(dialog.getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(dialog.query()).toBeNull();
    await expect.element(trigger).toHaveFocus();

    await userEvent.keyboard("{Enter}");
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Carol Chen was deactivated.");
    await expect.element(page.getByRole("row", { name: /Carol Chen/ })).toHaveTextContent(/Deactivated/);
    await expect.element(page.getByRole("button", { name: "Reactivate Carol Chen" })).toBeVisible();
    const { items } = await owner().members.list.query({ orgId: acme, search: "carol" });
    expect(items[0]?.status).toBe("deactivated");
  });

  it("lets onBefore cancel an action", async () => {
    const onBefore = vi.fn(() => false);
    withRoster(roster.tokens.owner, <MemberList orgId={acme} onBefore={onBefore} />);
    await page.getByRole("button", { name: "Resend pending.person@widgets.example" }).click();
    expect(onBefore).toHaveBeenCalledWith(expect.objectContaining({ type: "resend" }));
    expect(page.getByRole("status").element().textContent).toBe("");
  });

  it("removes several members at once, asking who takes over the resources they own", async () => {
    const container = withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    await page.getByRole("checkbox", { name: "Select Dan Dorsey" }).click();
    await page.getByRole("checkbox", { name: "Select Frank Fischer" }).click();
    await expect.element(page.getByText("2 selected")).toBeVisible();
    await page.getByRole("button", { name: "Remove selected" }).click();

    const dialog = page.getByRole("dialog", { name: "Remove 2 members?" });
    // Frank owns a cluster: the dialog says so up front and asks who takes it over, the person
    // removing by default.
    await expect.element(dialog.getByText("They own 1 resource: frank-gpu.")).toBeVisible();
    const heir = dialog.getByRole("combobox", { name: "Who takes over their resources?" });
    await expect.element(heir).toHaveValue(roster.users.owner.id);
    await heir.selectOptions(roster.users.erin.id);
    await dialog.getByRole("button", { name: "Transfer and remove" }).click();

    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("2 members were removed; 1 resource moved to Erin Ekström.");
    const { items: clusters } = await owner().resources.list.query({
      orgId: acme,
      ownerId: roster.users.erin.id,
    });
    expect(clusters.map((c) => c.name)).toContain("frank-gpu");
    await expect.poll(() => container.textContent).not.toContain("Dan Dorsey");
    expect(container.textContent).not.toContain("Frank Fischer");
    const { items } = await owner().members.list.query({ orgId: acme });
    expect(items.map((i) => i.name)).not.toContain("Dan Dorsey");
    expect(items.map((i) => i.name)).not.toContain("Frank Fischer");
    expect(items.map((i) => i.name)).toContain("Erin Ekström");
  });

  it("resends, copies the link of and revokes an invitation", async () => {
    withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    const status = page.getByRole("status");
    await page.getByRole("button", { name: "Resend pending.person@widgets.example" }).click();
    await expect
      .element(status)
      .toHaveTextContent("The invitation to pending.person@widgets.example was sent again.");

    await page.getByRole("button", { name: "Copy link pending.person@widgets.example" }).click();
    await expect.element(status).toHaveTextContent("The invitation link was copied.");
    expect(await navigator.clipboard.readText()).toMatch(/^http:\/\/roster\.test\/invite\/[\w-]{20,}$/);

    await page.getByRole("button", { name: "Revoke pending.person@widgets.example" }).click();
    await page
      .getByRole("dialog", { name: "Revoke the invitation to pending.person@widgets.example?" })
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect
      .element(status)
      .toHaveTextContent("The invitation to pending.person@widgets.example was revoked.");
    await expect.poll(() => page.getByRole("row", { name: /pending\.person/ }).query()).toBeNull();
  });

  it("says when an invitation sent too often may be sent again, by its Resend button", async () => {
    const email = "resent.often@widgets.example";
    await sentFiveTimes(email);
    withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    await page.getByRole("button", { name: `Resend ${email}` }).click();
    const said = new RegExp(
      `^The invitation to ${email.replaceAll(".", "\\.")} was sent several times in the last hour\\. You can send it again in (60|59) minutes \\(\\d\\d:\\d\\d( [AP]M)?\\)\\.$`,
    );
    await expect.element(page.getByRole("status")).toHaveTextContent(said);
    // By the button too, where the eyes are.
    const row = page.getByRole("row", { name: new RegExp(email.replaceAll(".", "\\.")) });
    await expect.element(row.getByText(said)).toBeVisible();
  });

  it("says when in German too", async () => {
    const email = "erneut.oft@widgets.example";
    await sentFiveTimes(email);
    withRoster(roster.tokens.owner, <MemberList orgId={acme} />, { locale: "de" });
    await page.getByRole("button", { name: `Erneut senden ${email}` }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent(/Sie können sie in (60|59) Minuten \(\d\d:\d\d\) erneut senden\.$/);
  });

  it("keeps declined invitations in view for whoever may invite, labelled as declined", async () => {
    const quinn = createRosterClient({ url: roster.url, token: roster.tokens.quinn });
    const { results } = await owner().invitations.create.mutate({
      orgId: acme,
      emails: ["quinn@joiners.example"],
      role: "viewer",
    });
    await quinn.invitations.decline.mutate({ invitationId: results[0]!.invitationId! });
    withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    const declined = page.getByRole("region", { name: "Declined invitations" });
    await expect
      .element(declined.getByRole("listitem").filter({ hasText: "quinn@joiners.example" }))
      .toHaveTextContent(
        /^Declined quinn@joiners\.example declined the invitation to join as Viewer \(invited /,
      );
    cleanup();

    // A member who may not invite sees no such list.
    withRoster(roster.tokens.viewer, <MemberList orgId={acme} />);
    await expect.element(page.getByRole("row", { name: /Bob Builder/ })).toBeVisible();
    expect(page.getByRole("heading", { name: "Declined invitations" }).query()).toBeNull();
  });

  it("searches case-insensitively and filters by status and role", async () => {
    const container = withRoster(roster.tokens.owner, <MemberList orgId={acme} />);
    await expect.element(page.getByRole("row", { name: /Erin Ekström/ })).toBeVisible();
    await page.getByRole("searchbox", { name: "Search" }).fill("ERIN");
    await expect.poll(() => rows(container).length).toBe(1);
    expect(rows(container)[0]?.textContent).toContain("Erin Ekström");
    await page.getByRole("searchbox", { name: "Search" }).fill("");

    await expect.poll(() => rows(container).length).toBeGreaterThan(1);
    await page.getByRole("combobox", { name: "Role" }).selectOptions("viewer");
    await expect
      .poll(() => [...rows(container)].map((r) => r.querySelector(".roster-name")?.textContent))
      .toEqual(["Victor Viewer"]);

    await page.getByRole("combobox", { name: "Role" }).selectOptions("");
    await page.getByRole("combobox", { name: "Status" }).selectOptions("invited");
    await expect
      .poll(() => [...rows(container)].every((r) => r.getAttribute("data-status") === "invited"))
      .toBe(true);
    expect(rows(container).length).toBeGreaterThan(0);
  });

  it("shows a viewer the list without any action they may not take", async () => {
    const container = withRoster(roster.tokens.viewer, <MemberList orgId={acme} />);
    await expect.element(page.getByRole("row", { name: /Erin Ekström/ })).toBeVisible();
    expect(container.querySelectorAll(".roster-actions button")).toHaveLength(0);
    expect(container.querySelectorAll("input[type=checkbox]")).toHaveLength(0);
  });

  it("loads more members page by page", async () => {
    const container = withRoster(roster.tokens.owner, <MemberList orgId={big} />);
    await expect.poll(() => rows(container).length).toBe(50);
    const more = page.getByRole("button", { name: "Load more" });
    await more.click();
    await expect.poll(() => rows(container).length).toBe(roster.bigMemberCount + 1);
    expect(more.query()).toBeNull();
    const names = [...rows(container)].map((r) => r.querySelector(".roster-name")?.textContent);
    expect(new Set(names).size).toBe(roster.bigMemberCount + 1);
  });

  it("says why the list cannot be shown", async () => {
    withRoster(roster.tokens.ivy, <MemberList orgId={big} />);
    await expect
      .element(page.getByText("This organization does not exist, or you are not a member of it."))
      .toBeVisible();
    await expect.element(page.getByRole("button", { name: "Try again" })).toBeVisible();
  });
});
