import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { AuditLog } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";
import { freshTeam } from "./team.js";

const roster = inject("roster");

afterEach(cleanup);

const actions = (container: HTMLElement) =>
  [...container.querySelectorAll("tbody tr")].map((r) => r.getAttribute("data-action"));

describe("AuditLog against a real Roster server", () => {
  it("filters by actor, action, target and date, and pages with Load more", async () => {
    const { org, owner, victor } = await freshTeam("Audit Labs", "admin");
    await owner.orgs.update.mutate({ orgId: org.id, name: "Audit Labs 2" });
    const group = await victor.groups.create.mutate({ orgId: org.id, name: "Ops" });
    await victor.groups.update.mutate({ orgId: org.id, groupId: group.id, name: "Ops 2" });
    await owner.groups.create.mutate({ orgId: org.id, name: "Dev" });

    const container = withRoster(roster.tokens.owner, <AuditLog orgId={org.id} pageSize={3} />);
    await expect.poll(() => actions(container)).toEqual(["group.created", "group.updated", "group.created"]);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => actions(container).length).toBeGreaterThan(3);

    await page.getByRole("combobox", { name: "Actor" }).selectOptions("Victor Viewer");
    await expect.poll(() => actions(container)).toEqual(["group.updated", "group.created", "member.joined"]);

    await page.getByRole("combobox", { name: "Action" }).fill("group.created");
    await expect.poll(() => actions(container)).toEqual(["group.created"]);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("button", { name: "Show only entries about Ops 2" }).first().click();
    await expect.poll(() => actions(container)).toEqual(["group.updated", "group.created"]);

    await page.getByRole("button", { name: "Clear filters" }).click();
    const yesterday = new Date(Date.now() - 2 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabelText("To", { exact: true }).fill(yesterday);
    await expect.element(page.getByText("No entries match these filters.")).toBeVisible();
  });

  it("says why a member without audit:read cannot see the log", async () => {
    const { org } = await freshTeam("Private Audit Labs");
    withRoster(roster.tokens.viewer, <AuditLog orgId={org.id} />);
    await expect
      .element(page.getByText("Your role does not allow this. Ask an owner or an admin."))
      .toBeVisible();
  });

  it("speaks the locale it is given, loading it on first use, server refusals included", async () => {
    const { org } = await freshTeam("Lokale Labs");
    withRoster(roster.tokens.viewer, <AuditLog orgId={org.id} />, { locale: "de" });
    await expect.element(page.getByRole("heading", { name: "Audit-Log" })).toBeVisible();
    await expect.element(page.getByText("Ihre Rolle erlaubt das nicht.", { exact: false })).toBeVisible();
    cleanup();
    withRoster(roster.tokens.owner, <AuditLog orgId={org.id} />, { locale: "ja" });
    await expect.element(page.getByRole("heading", { name: "監査ログ" })).toBeVisible();
    await expect.element(page.getByRole("columnheader", { name: "内容" })).toBeVisible();
  });

  it("says in sentences who did what to whom, with names and the before and after", async () => {
    const { org, owner, victor } = await freshTeam("Sentence Labs");
    const me = await victor.auth.me.query();
    await owner.members.updateRole.mutate({ orgId: org.id, userId: me.user.id, role: "admin" });
    const cluster = await victor.resources.register.mutate({ orgId: org.id, type: "cluster", name: "alpha" });
    await owner.resources.stop.mutate({ orgId: org.id, resourceId: cluster.id });
    await owner.members.remove.mutate({
      orgId: org.id,
      userIds: [me.user.id],
      transferTo: (await owner.auth.me.query()).user.id,
    });
    withRoster(roster.tokens.owner, <AuditLog orgId={org.id} />);
    for (const sentence of [
      "Olivia Owner changed Victor Viewer’s role from Member to Admin",
      "Olivia Owner stopped alpha (running time charged to Victor Viewer)",
      "Olivia Owner removed Victor Viewer; Olivia Owner took over their resources",
      "alpha went from Victor Viewer to Olivia Owner",
      "Victor Viewer joined as Member",
    ]) {
      await expect.element(page.getByText(sentence, { exact: true })).toBeVisible();
    }
  });
});
