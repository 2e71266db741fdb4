import { queryCounter } from "@roster/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrgAccess } from "../src/domain/access.js";
import { usageReport } from "../src/domain/usage.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("usage events", () => {
  it("records per member and resource; a repeated idempotency key is a no-op", async () => {
    const owner = await verifiedPerson(t, "Uma Usage");
    const orgId = await personalOrg(owner);
    const member = await verifiedPerson(t, "Mick Usage");
    await addMember(t, owner, orgId, member, "member");
    const ws = await owner.client.workspaces.create.mutate({ orgId, name: "GPU" });
    const r = await member.client.resources.register.mutate({
      orgId,
      type: "cluster",
      name: "gpu-1",
      workspaceId: ws.id,
    });
    const first = await owner.client.usage.record.mutate({
      orgId,
      events: [
        { idempotencyKey: "evt-1", quantity: 2.5, unit: "gpu_hours", resourceId: r.id, credits: 5 },
        { idempotencyKey: "evt-2", quantity: 1, unit: "gpu_hours", userId: owner.user.id },
        { idempotencyKey: "evt-3", quantity: 10, unit: "gb_storage" },
      ],
    });
    expect(first).toEqual({ recorded: 3, duplicates: 0 });
    const again = await owner.client.usage.record.mutate({
      orgId,
      events: [
        { idempotencyKey: "evt-1", quantity: 999, unit: "gpu_hours", resourceId: r.id, credits: 999 },
        { idempotencyKey: "evt-4", quantity: 1, unit: "gpu_hours" },
      ],
    });
    expect(again).toEqual({ recorded: 1, duplicates: 1 });
    const rows = await t.database.db
      .selectFrom("usage_events")
      .select(["idempotency_key", "quantity", "user_id", "resource_id", "workspace_id", "credits"])
      .where("org_id", "=", orgId)
      .orderBy("idempotency_key")
      .execute();
    expect(rows).toEqual([
      // Attributed to the resource's owner, in the resource's workspace.
      {
        idempotency_key: "evt-1",
        quantity: "2.5",
        user_id: member.user.id,
        resource_id: r.id,
        workspace_id: ws.id,
        credits: "5",
      },
      {
        idempotency_key: "evt-2",
        quantity: "1",
        user_id: owner.user.id,
        resource_id: null,
        workspace_id: null,
        credits: "0",
      },
      // Otherwise to whoever recorded it.
      {
        idempotency_key: "evt-3",
        quantity: "10",
        user_id: owner.user.id,
        resource_id: null,
        workspace_id: null,
        credits: "0",
      },
      {
        idempotency_key: "evt-4",
        quantity: "1",
        user_id: owner.user.id,
        resource_id: null,
        workspace_id: null,
        credits: "0",
      },
    ]);
    const audit = await owner.client.audit.list.query({ orgId, action: "usage.recorded" });
    expect(audit.items.map((a) => a.data)).toEqual([
      { recorded: 1, duplicates: 1 },
      { recorded: 3, duplicates: 0 },
    ]);
  });

  it("refuses unknown resources and members, negative quantities, and callers without usage:write", async () => {
    const owner = await verifiedPerson(t, "Rolf Refuse");
    const orgId = await personalOrg(owner);
    const other = await verifiedPerson(t, "Ola Refuse");
    const otherOrg = await personalOrg(other);
    const theirs = await other.client.resources.register.mutate({
      orgId: otherOrg,
      type: "cluster",
      name: "theirs",
    });
    expect(
      await failure(
        owner.client.usage.record.mutate({
          orgId,
          events: [{ idempotencyKey: "x", quantity: 1, unit: "h", resourceId: theirs.id }],
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "RESOURCE_NOT_FOUND" });
    expect(
      await failure(
        owner.client.usage.record.mutate({
          orgId,
          events: [{ idempotencyKey: "x", quantity: 1, unit: "h", userId: other.user.id }],
        }),
      ),
    ).toMatchObject({ reason: "MEMBER_NOT_FOUND" });
    expect(
      await failure(
        owner.client.usage.record.mutate({
          orgId,
          events: [{ idempotencyKey: "x", quantity: -1, unit: "h" }],
        }),
      ),
    ).toMatchObject({
      reason: "VALIDATION",
      message: "Quantities cannot be negative.",
      issues: [{ path: ["events", "0", "quantity"], message: "Quantities cannot be negative." }],
    });
    const viewer = await verifiedPerson(t, "Vio Refuse");
    await addMember(t, owner, orgId, viewer, "viewer");
    expect(
      await failure(
        viewer.client.usage.record.mutate({
          orgId,
          events: [{ idempotencyKey: "x", quantity: 1, unit: "h" }],
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "PERMISSION_DENIED" });
    const stored = await t.database.db
      .selectFrom("usage_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
  });
});

describe("credits", () => {
  it("balance is grants minus what usage consumed; a repeated grant key is a no-op", async () => {
    const owner = await verifiedPerson(t, "Cora Credits");
    const orgId = await personalOrg(owner);
    const member = await verifiedPerson(t, "Mo Credits");
    await addMember(t, owner, orgId, member, "member");
    expect(await member.client.usage.balance.query({ orgId })).toMatchObject({
      granted: 0,
      consumed: 0,
      balance: 0,
    });
    const g = await owner.client.usage.grantCredits.mutate({
      orgId,
      amount: 100,
      reason: "Trial",
      idempotencyKey: "trial",
    });
    expect(g).toMatchObject({ granted: true, balance: { granted: 100, consumed: 0, balance: 100 } });
    expect(
      (
        await owner.client.usage.grantCredits.mutate({
          orgId,
          amount: 100,
          reason: "Trial",
          idempotencyKey: "trial",
        })
      ).granted,
    ).toBe(false);
    await owner.client.usage.grantCredits.mutate({ orgId, amount: 25.5 });
    await member.client.usage.record.mutate({
      orgId,
      events: [
        { idempotencyKey: "a", quantity: 3, unit: "gpu_hours", credits: 30 },
        { idempotencyKey: "b", quantity: 1, unit: "gpu_hours", credits: 12.25 },
      ],
    });
    expect(await member.client.usage.balance.query({ orgId })).toMatchObject({
      granted: 125.5,
      consumed: 42.25,
      balance: 83.25,
    });
    expect(
      (await member.client.usage.creditGrants.query({ orgId })).map((c) => [c.amount, c.reason]),
    ).toEqual(
      expect.arrayContaining([
        [100, "Trial"],
        [25.5, ""],
      ]),
    );
    expect(await failure(member.client.usage.grantCredits.mutate({ orgId, amount: 1 }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    expect(await failure(owner.client.usage.grantCredits.mutate({ orgId, amount: 0 }))).toMatchObject({
      reason: "VALIDATION",
    });
    expect((await owner.client.audit.list.query({ orgId, action: "credits.granted" })).items).toHaveLength(2);
  });
});

describe("reports", () => {
  let owner: SignedUpPerson;
  let ann: SignedUpPerson;
  let orgId: string;
  let ws: { a: string; b: string };
  let res: { r1: string; r2: string; r3: string };

  beforeAll(async () => {
    owner = await verifiedPerson(t, "Rita Reports");
    orgId = await personalOrg(owner);
    await owner.client.orgs.update.mutate({ orgId, name: "Report Co" });
    ann = await verifiedPerson(t, "Ann Reports");
    await addMember(t, owner, orgId, ann, "member");
    ws = {
      a: (await owner.client.workspaces.create.mutate({ orgId, name: "Alpha" })).id,
      b: (await owner.client.workspaces.create.mutate({ orgId, name: "Beta" })).id,
    };
    res = {
      r1: (
        await ann.client.resources.register.mutate({ orgId, type: "cluster", name: "r1", workspaceId: ws.a })
      ).id,
      r2: (
        await owner.client.resources.register.mutate({
          orgId,
          type: "cluster",
          name: "r2",
          workspaceId: ws.b,
        })
      ).id,
      r3: (await owner.client.resources.register.mutate({ orgId, type: "cluster", name: "r3" })).id,
    };
    const e = (
      key: string,
      at: string,
      quantity: number,
      resourceId: string,
      credits = 0,
      unit = "cpu_hours",
    ) => ({
      idempotencyKey: key,
      occurredAt: at,
      quantity,
      unit,
      resourceId,
      credits,
    });
    await owner.client.usage.record.mutate({
      orgId,
      events: [
        e("1", "2026-05-31T23:59:59Z", 100, res.r1, 1), // before the range
        e("2", "2026-06-01T00:00:00Z", 2, res.r1, 2),
        e("3", "2026-06-01T23:00:00Z", 3, res.r1, 3),
        e("4", "2026-06-01T10:00:00Z", 5, res.r2, 5),
        e("5", "2026-06-02T10:00:00Z", 7, res.r2, 7),
        e("6", "2026-06-15T10:00:00Z", 11, res.r3, 11),
        e("7", "2026-07-01T00:00:00Z", 13, res.r1, 13),
        e("8", "2026-06-02T12:00:00Z", 40, res.r3, 0, "gb_storage"),
        e("9", "2026-08-01T00:00:00Z", 1000, res.r1, 1), // after the range
      ],
    });
  });

  const range = { from: "2026-06-01T00:00:00Z", to: "2026-08-01T00:00:00Z" };

  it("per member and day, with totals per unit and overall", async () => {
    const report = await ann.client.usage.report.query({ orgId, groupBy: "member", period: "day", ...range });
    expect(report.rows.map((r) => [r.period, r.label, r.unit, r.quantity, r.credits, r.events])).toEqual([
      ["2026-06-01", "Ann Reports", "cpu_hours", 5, 5, 2],
      ["2026-06-01", "Rita Reports", "cpu_hours", 5, 5, 1],
      ["2026-06-02", "Rita Reports", "cpu_hours", 7, 7, 1],
      ["2026-06-02", "Rita Reports", "gb_storage", 40, 0, 1],
      ["2026-06-15", "Rita Reports", "cpu_hours", 11, 11, 1],
      ["2026-07-01", "Ann Reports", "cpu_hours", 13, 13, 1],
    ]);
    expect(report.rows[0]!.key).toBe(ann.user.id);
    expect(report.totals).toEqual([
      { unit: "cpu_hours", quantity: 41, credits: 41, events: 6 },
      { unit: "gb_storage", quantity: 40, credits: 0, events: 1 },
    ]);
    expect(report.total).toEqual({ credits: 41, events: 7 });
  });

  it("per workspace and month (usage outside any workspace has key null)", async () => {
    const report = await owner.client.usage.report.query({
      orgId,
      groupBy: "workspace",
      period: "month",
      unit: "cpu_hours",
      ...range,
    });
    expect(report.rows.map((r) => [r.period, r.key, r.label, r.quantity])).toEqual([
      ["2026-06", ws.a, "Alpha", 5],
      ["2026-06", ws.b, "Beta", 12],
      ["2026-06", null, null, 11],
      ["2026-07", ws.a, "Alpha", 13],
    ]);
    expect(report.totals).toEqual([{ unit: "cpu_hours", quantity: 41, credits: 41, events: 6 }]);
  });

  it("per resource and per organization", async () => {
    const byResource = await owner.client.usage.report.query({
      orgId,
      groupBy: "resource",
      period: "month",
      unit: "cpu_hours",
      ...range,
    });
    expect(byResource.rows.map((r) => [r.period, r.label, r.quantity])).toEqual([
      ["2026-06", "r1", 5],
      ["2026-06", "r2", 12],
      ["2026-06", "r3", 11],
      ["2026-07", "r1", 13],
    ]);
    const byOrg = await owner.client.usage.report.query({
      orgId,
      groupBy: "organization",
      period: "month",
      ...range,
    });
    expect(byOrg.rows.map((r) => [r.period, r.key, r.label, r.unit, r.quantity])).toEqual([
      ["2026-06", orgId, "Report Co", "cpu_hours", 28],
      ["2026-06", orgId, "Report Co", "gb_storage", 40],
      ["2026-07", orgId, "Report Co", "cpu_hours", 13],
    ]);
  });

  it("is one SQL query", async () => {
    const counter = queryCounter();
    const deps = t.server.deps;
    const actor = { userId: owner.user.id, sessionId: null, ip: null, userAgent: null };
    const access = await loadOrgAccess(deps, actor, orgId);
    const counted = { ...deps, db: deps.db.withPlugin(counter.plugin) };
    const report = await usageReport(counted, access, { groupBy: "resource", period: "day", ...range });
    expect(counter.count).toBe(1);
    expect(report.total.events).toBe(7);
  });

  it("keeps the workspace of a resource that was deleted, and an empty range has zero totals", async () => {
    await owner.client.resources.delete.mutate({ orgId, resourceId: res.r2 });
    const report = await owner.client.usage.report.query({
      orgId,
      groupBy: "workspace",
      period: "month",
      unit: "cpu_hours",
      ...range,
    });
    expect(report.rows.find((r) => r.key === ws.b)).toMatchObject({ label: "Beta", quantity: 12 });
    const empty = await owner.client.usage.report.query({
      orgId,
      groupBy: "member",
      period: "day",
      from: "2020-01-01T00:00:00Z",
      to: "2020-02-01T00:00:00Z",
    });
    expect(empty).toMatchObject({ rows: [], totals: [], total: { credits: 0, events: 0 } });
    expect(
      await failure(
        owner.client.usage.report.query({
          orgId,
          groupBy: "member",
          period: "day",
          from: range.to,
          to: range.from,
        }),
      ),
    ).toMatchObject({ reason: "INVALID_RANGE" });
    expect(
      await failure(
        owner.client.usage.report.query({ orgId, groupBy: "team" as never, period: "day", ...range }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
  });
});
