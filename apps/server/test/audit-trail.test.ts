import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/** Deleting an organization or a service account leaves a trace of who did it and when. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("audit trail", () => {
  it("records an organization's deletion in the deployment's log, which outlives it", async () => {
    const ada = await verifiedPerson(t, "Ada Deleter");
    const org = await ada.client.orgs.create.mutate({ name: "Short-lived Labs" });
    const other = await personalOrg(ada);
    await ada.client.orgs.delete.mutate({ orgId: org.id });

    const db = t.database.db;
    // The organization's own log is gone with it...
    const own = await db.selectFrom("audit_events").select("id").where("org_id", "=", org.id).execute();
    expect(own).toEqual([]);
    // ...and the deployment's log says who deleted it, what it was, and from where.
    const rows = await db
      .selectFrom("deployment_audit_events")
      .selectAll()
      .where("org_id", "=", org.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "organization.deleted",
      actor_id: ada.user.id,
      data: { name: "Short-lived Labs", slug: org.slug, personal: false, members: 1 },
      ip: expect.any(String),
    });
    expect(rows[0]!.created_at.toISOString()).toBe(t.clock().toISOString());
    // Another organization's deletion is not recorded against this one.
    expect(
      await db.selectFrom("deployment_audit_events").select("id").where("org_id", "=", other).execute(),
    ).toEqual([]);
  });

  it("records a service account's deletion in the organization's log", async () => {
    const sam = await verifiedPerson(t, "Sam Sweeper");
    const orgId = await personalOrg(sam);
    const bot = await sam.client.serviceAccounts.create.mutate({ orgId, name: "Nightly", role: "member" });
    await sam.client.serviceAccounts.delete.mutate({ orgId, userId: bot.userId });
    const { items } = await sam.client.audit.list.query({ orgId, action: "service_account.deleted" });
    expect(items).toEqual([
      expect.objectContaining({
        action: "service_account.deleted",
        actor: expect.objectContaining({ id: sam.user.id }),
        targetType: "user",
        targetId: bot.userId,
        data: { name: "Nightly", role: "member" },
      }),
    ]);
  });

  it("never records the organization a call was made in as part of what changed", async () => {
    const una = await verifiedPerson(t, "Una Updater");
    const c = una.client;
    const orgId = await personalOrg(una);
    const workspace = await c.workspaces.create.mutate({ orgId, name: "Pool" });
    const group = await c.groups.create.mutate({ orgId, name: "Ops" });
    await c.roles.create.mutate({ orgId, key: "auditor", name: "Auditor", permissions: ["audit:read"] });
    const resource = await c.resources.register.mutate({ orgId, type: "cluster", name: "c1" });
    const { endpoint } = await c.webhooks.create.mutate({
      orgId,
      url: "https://hooks.example.com/una",
      events: ["membership.joined"],
    });
    const bot = await c.serviceAccounts.create.mutate({ orgId, name: "Bot", role: "member" });

    await c.orgs.update.mutate({ orgId, name: "Una's Labs" });
    await c.workspaces.update.mutate({ orgId, workspaceId: workspace.id, name: "Pool 2" });
    await c.groups.update.mutate({ orgId, groupId: group.id, name: "Ops 2" });
    await c.roles.update.mutate({ orgId, key: "auditor", name: "Auditor 2" });
    await c.resources.update.mutate({ orgId, resourceId: resource.id, name: "c2" });
    await c.webhooks.update.mutate({ orgId, endpointId: endpoint.id, description: "Una's hook" });
    await c.serviceAccounts.update.mutate({ orgId, userId: bot.userId, name: "Bot 2" });

    const { items } = await c.audit.list.query({ orgId });
    const updates = items.filter((e) => e.action.endsWith(".updated"));
    expect(updates.map((e) => e.action).sort()).toEqual([
      "group.updated",
      "org.updated",
      "resource.updated",
      "role.updated",
      "service_account.updated",
      "webhook.updated",
      "workspace.updated",
    ]);
    // Every entry, not only the updates: no key and no "changed" field names the organization.
    for (const entry of items) expect(JSON.stringify(entry.data), entry.action).not.toContain("orgId");
    expect(updates.find((e) => e.action === "org.updated")?.data).toEqual({ changed: ["name"] });
  });

  it("filters the log by actor, action, target and date range, a keyset page at a time", async () => {
    const olga = await verifiedPerson(t, "Olga Filter");
    const pete = await verifiedPerson(t, "Pete Filter");
    const c = olga.client;
    const orgId = (await c.orgs.create.mutate({ name: "Filtered Labs" })).id;
    await addMember(t, olga, orgId, pete, "admin");
    const start = t.clock();
    t.clock.advance(3600);
    const groups = [];
    for (const name of ["One", "Two", "Three"])
      groups.push(await pete.client.groups.create.mutate({ orgId, name }));
    t.clock.advance(3600);
    const middle = t.clock();
    t.clock.advance(3600);
    await c.groups.update.mutate({ orgId, groupId: groups[0]!.id, name: "One again" });
    await pete.client.groups.update.mutate({ orgId, groupId: groups[1]!.id, name: "Two again" });

    const list = (input: Omit<Parameters<typeof c.audit.list.query>[0], "orgId">) =>
      c.audit.list.query({ orgId, ...input }).then((p) => p.items.map((e) => `${e.actor?.name}:${e.action}`));

    expect(await list({ actorId: pete.user.id, action: "group.created" })).toEqual([
      "Pete Filter:group.created",
      "Pete Filter:group.created",
      "Pete Filter:group.created",
    ]);
    expect(await list({ targetType: "group", targetId: groups[0]!.id })).toEqual([
      "Olga Filter:group.updated",
      "Pete Filter:group.created",
    ]);
    // from is inclusive, to is exclusive.
    expect(
      await list({ from: start.toISOString(), to: middle.toISOString(), targetType: "group" }),
    ).toHaveLength(3);
    expect(await list({ from: middle.toISOString(), targetType: "group" })).toEqual([
      "Pete Filter:group.updated",
      "Olga Filter:group.updated",
    ]);
    // Pete joined at the start: before `middle`, his entries are the join and his three groups.
    expect(await list({ to: middle.toISOString(), actorId: pete.user.id })).toEqual([
      "Pete Filter:group.created",
      "Pete Filter:group.created",
      "Pete Filter:group.created",
      expect.stringMatching(/^Pete Filter:member\./),
    ]);
    expect(await list({ to: start.toISOString(), actorId: pete.user.id })).toEqual([]);

    // Pages of one keep the filter: three group.created entries, one at a time, none twice.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.audit.list.query({
        orgId,
        actorId: pete.user.id,
        action: "group.created",
        limit: 1,
        cursor,
      });
      seen.push(...page.items.map((e) => e.targetId!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(groups.map((g) => g.id).reverse());

    await expect(
      c.audit.list.query({ orgId, from: middle.toISOString(), to: start.toISOString() }),
    ).rejects.toMatchObject({ data: { reason: "INVALID_RANGE" } });
    await expect(c.audit.list.query({ orgId, from: "yesterday" })).rejects.toMatchObject({
      data: { reason: "VALIDATION" },
    });
  });
});
