import { queryCounter } from "@roster/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrgAccess } from "../src/domain/access.js";
import { listAudit } from "../src/domain/audit.js";
import { startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("an audit log a person can read", () => {
  it("names the actor, the target and the people in each change, in one query for the page", async () => {
    const ana = await verifiedPerson(t, "Ana Admin");
    const orgId = await personalOrg(ana);
    const bob = await verifiedPerson(t, "Bob Builder");
    const cy = await verifiedPerson(t, "Cy Successor");
    await addMember(t, ana, orgId, bob);
    await addMember(t, ana, orgId, cy);
    await ana.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    const cluster = await bob.client.resources.register.mutate({ orgId, type: "cluster", name: "alpha" });
    await ana.client.members.remove.mutate({ orgId, userIds: [bob.user.id], transferTo: cy.user.id });

    const deps = t.server.deps;
    const access = await loadOrgAccess(
      deps,
      { userId: ana.user.id, sessionId: null, ip: null, userAgent: null },
      orgId,
    );
    const counter = queryCounter();
    const page = await listAudit({ ...deps, db: deps.db.withPlugin(counter.plugin) }, access, { limit: 20 });
    expect(counter.count).toBe(1);

    const entry = (action: string) => page.items.find((e) => e.action === action);
    expect(entry("member.role_changed")).toMatchObject({
      actor: { id: ana.user.id, name: "Ana Admin" },
      targetType: "user",
      targetName: "Bob Builder",
      data: { from: "member", to: "admin" },
    });
    expect(entry("member.removed")).toMatchObject({
      targetName: "Bob Builder",
      data: { role: "admin", transferTo: cy.user.id },
      people: { [cy.user.id]: "Cy Successor" },
    });
    expect(entry("resource.transferred")).toMatchObject({ targetName: "alpha", targetId: cluster.id });
    expect(entry("member.invited")).toMatchObject({
      targetType: "invitation",
      targetName: expect.stringContaining("@"),
    });
  });

  it("never names another organization's row, whatever id an entry holds", async () => {
    const ana = await verifiedPerson(t, "Ana Other");
    const orgId = await personalOrg(ana);
    const eve = await verifiedPerson(t, "Eve Elsewhere");
    const eveOrg = await personalOrg(eve);
    const secret = await eve.client.resources.register.mutate({
      orgId: eveOrg,
      type: "cluster",
      name: "secret-project",
    });
    await t.database.db
      .insertInto("audit_events")
      .values({
        org_id: orgId,
        actor_id: ana.user.id,
        action: "resource.created",
        target_type: "resource",
        target_id: secret.id,
        data: JSON.stringify({}),
        created_at: t.clock(),
      })
      .execute();
    const page = await ana.client.audit.list.query({ orgId, action: "resource.created" });
    expect(page.items[0]).toMatchObject({ targetId: secret.id, targetName: null });
  });
});
