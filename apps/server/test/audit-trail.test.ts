import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

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
        data: { name: "Nightly" },
      }),
    ]);
  });
});
