import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";
import { type Receiver, startReceiver } from "./webhook-receiver.js";

let t: TestServer;
let rx: Receiver;
beforeAll(async () => {
  t = await startTestServer();
  rx = await startReceiver({ secret: "whsec_batch-receiver-secret-000001", now: t.clock });
}, 60_000);
afterAll(async () => {
  await rx?.close();
  await t?.close();
});

/** What one batch wrote, by kind, for rows stamped with the batch's instant. */
async function writtenAt(orgId: string, at: Date) {
  const db = t.database.db;
  const { rows: emails } = await sql<{ to: string; n: string }>`
    select lane_key as to, count(*) as n from outbox
    where kind = 'email' and created_at = ${at} group by lane_key`.execute(db);
  const audit = await db
    .selectFrom("audit_events")
    .select(["action", "target_id"])
    .where("org_id", "=", orgId)
    .where("created_at", "=", at)
    .execute();
  const { rows: events } = await sql<{ id: string; type: string; target: string; payload: unknown }>`
    select id, type, payload->'target'->>'id' as target, payload from events
    where org_id = ${orgId} and created_at = ${at} order by seq`.execute(db);
  const { rows: webhooks } = await sql<{ event_id: string }>`
    select payload->>'eventId' as event_id from outbox
    where kind = 'webhook' and created_at = ${at}`.execute(db);
  const grants = await db
    .selectFrom("workspace_grants")
    .select(["invitation_id", "role"])
    .where("org_id", "=", orgId)
    .where("invitation_id", "is not", null)
    .where("updated_at", "=", at)
    .execute();
  return { emails, audit, events, webhooks, grants };
}

describe("inviting 100 addresses at once", () => {
  it("reports each address as one by one would, and writes one row of each kind per invitation", async () => {
    const owner = await verifiedPerson(t, "Batch Owner");
    const orgId = await personalOrg(owner);
    const o = owner.client;
    const workspace = await o.workspaces.create.mutate({ orgId, name: "Batch pool" });
    await o.webhooks.create.mutate({
      orgId,
      url: rx.url,
      events: ["invitation.created", "invitation.resent"],
      secret: "whsec_batch-receiver-secret-000001",
    });
    const bob = await verifiedPerson(t, "Batch Bob");
    const carol = await verifiedPerson(t, "Batch Carol");
    await addMember(t, owner, orgId, bob);
    await addMember(t, owner, orgId, carol, "viewer");
    // Two invitations left to expire, then three that are still open when the batch comes.
    const expired = await o.invitations.create.mutate({
      orgId,
      emails: ["exp.one@batch.example", "exp.two@batch.example"],
      role: "viewer",
    });
    t.clock.advance(8 * 24 * 60 * 60);
    const open = await o.invitations.create.mutate({
      orgId,
      emails: ["open.one@batch.example", "open.two@batch.example", "open.three@batch.example"],
      role: "member",
    });
    t.clock.advance(60);
    const batchAt = t.clock();

    const fresh = Array.from({ length: 90 }, (_, i) => `new.${i}@batch.example`);
    const emails = [
      bob.email.toUpperCase(),
      " open.two@batch.example ",
      ...fresh.slice(0, 40),
      "not an address",
      "EXP.ONE@batch.example",
      "New.3@Batch.example",
      carol.email,
      "open.one@batch.example",
      ...fresh.slice(40),
      "exp.two@batch.example",
      `${"x".repeat(250)}@batch.example`,
      "OPEN.THREE@batch.example",
    ];
    expect(emails).toHaveLength(100);
    const { results } = await o.invitations.create.mutate({
      orgId,
      emails,
      role: "admin",
      workspaces: [{ workspaceId: workspace.id, role: "member" }],
    });

    const openId = (email: string) => open.results.find((r) => r.email === email)!.invitationId;
    const expiredId = (email: string) => expired.results.find((r) => r.email === email)!.invitationId;
    const byEmail = new Map(results.map((r) => [r.email, r]));
    // Each address once, in the order given (the repeated "New.3" is dropped), trimmed.
    expect(results.map((r) => r.email)).toEqual(
      emails.map((e) => e.trim()).filter((e) => e !== "New.3@Batch.example"),
    );
    expect(byEmail.get(bob.email.toUpperCase())).toEqual({
      email: bob.email.toUpperCase(),
      status: "already_member",
    });
    expect(byEmail.get(carol.email)).toEqual({ email: carol.email, status: "already_member" });
    for (const e of ["open.one@batch.example", "open.two@batch.example"]) {
      expect(byEmail.get(e)).toEqual({ email: e, status: "already_invited", invitationId: openId(e) });
    }
    expect(byEmail.get("OPEN.THREE@batch.example")).toEqual({
      email: "OPEN.THREE@batch.example",
      status: "already_invited",
      invitationId: openId("open.three@batch.example"),
    });
    expect(byEmail.get("EXP.ONE@batch.example")).toEqual({
      email: "EXP.ONE@batch.example",
      status: "invited",
      invitationId: expiredId("exp.one@batch.example"),
    });
    expect(byEmail.get("exp.two@batch.example")).toEqual({
      email: "exp.two@batch.example",
      status: "invited",
      invitationId: expiredId("exp.two@batch.example"),
    });
    expect(byEmail.get("not an address")).toEqual({ email: "not an address", status: "invalid" });
    expect(byEmail.get(`${"x".repeat(250)}@batch.example`)?.status).toBe("invalid");
    const freshIds = fresh.map((e) => {
      const r = byEmail.get(e)!;
      expect(r.status).toBe("invited");
      return r.invitationId!;
    });
    expect(new Set(freshIds).size).toBe(90);
    const renewedIds = [expiredId("exp.one@batch.example")!, expiredId("exp.two@batch.example")!];

    // The rows: new invitations pending with the role asked for; renewed ones sent a second time.
    const rows = await t.database.db
      .selectFrom("invitations")
      .select(["id", "email", "role", "status", "send_count", "expires_at", "created_at"])
      .where("org_id", "=", orgId)
      .where("status", "=", "pending")
      .execute();
    expect(rows).toHaveLength(5 + 90);
    const row = new Map(rows.map((r) => [r.id, r]));
    for (const [i, id] of freshIds.entries()) {
      expect(row.get(id)).toMatchObject({ email: fresh[i], role: "admin", status: "pending", send_count: 1 });
      expect(row.get(id)!.created_at.getTime()).toBe(batchAt.getTime());
    }
    for (const id of renewedIds) {
      expect(row.get(id)).toMatchObject({ role: "viewer", status: "pending", send_count: 2 });
      expect(row.get(id)!.expires_at.getTime()).toBe(batchAt.getTime() + 7 * 24 * 60 * 60 * 1000);
    }

    const written = await writtenAt(orgId, batchAt);
    // One email per invitation sent, to its address.
    const sentTo = [...fresh, "exp.one@batch.example", "exp.two@batch.example"].sort();
    expect(written.emails.map((e) => e.to).sort()).toEqual(sentTo);
    expect(written.emails.every((e) => Number(e.n) === 1)).toBe(true);
    // One audit entry per invitation: invited for the new ones, resent for the renewed ones.
    const auditOf = (action: string) =>
      written.audit
        .filter((a) => a.action === action)
        .map((a) => a.target_id)
        .sort();
    expect(auditOf("member.invited")).toEqual([...freshIds].sort());
    expect(auditOf("invitation.resent")).toEqual([...renewedIds].sort());
    expect(written.audit).toHaveLength(92);
    // One event in the feed per invitation, and one webhook delivery per event.
    const eventsOf = (type: string) =>
      written.events
        .filter((e) => e.type === type)
        .map((e) => e.target)
        .sort();
    expect(eventsOf("invitation.created")).toEqual([...freshIds].sort());
    expect(eventsOf("invitation.resent")).toEqual([...renewedIds].sort());
    expect(written.events).toHaveLength(92);
    expect(written.webhooks.map((w) => w.event_id).sort()).toEqual(written.events.map((e) => e.id).sort());
    const created = written.events.find((e) => e.target === freshIds[0])!.payload as {
      data: { invitation: Record<string, unknown>; workspaces?: unknown };
    };
    expect(created.data).toEqual({
      invitation: {
        id: freshIds[0],
        email: fresh[0],
        role: "admin",
        expiresAt: new Date(batchAt.getTime() + 7 * 24 * 60 * 60 * 1000).toISOString(),
      },
      workspaces: [{ workspaceId: workspace.id, role: "member" }],
    });
    // The workspace assignment is held by every invitation sent, new or renewed.
    expect(written.grants.map((g) => g.invitation_id).sort()).toEqual([...freshIds, ...renewedIds].sort());
    expect(written.grants.every((g) => g.role === "member")).toBe(true);

    // The emails say what one invitation's email says.
    const [mail] = await t.mailTo(fresh[7]!);
    expect(mail!.subject).toBe("Batch Owner invited you to join Batch Owner's organization");
    expect(mail!.text).toContain("as an admin");
    const [renewedMail] = (await t.mailTo("exp.two@batch.example")).slice(-1);
    expect(renewedMail!.text).toContain("as a viewer");
  }, 120_000);

  it("refuses the whole batch when its new invitations do not all fit in the seats left", async () => {
    const owner = await verifiedPerson(t, "Seats Owner");
    const orgId = await personalOrg(owner);
    const o = owner.client;
    await o.invitations.create.mutate({ orgId, emails: ["held@seats.example"], role: "member" });
    // Owner and one pending invitation use 2 seats; 10 are left.
    await t.database.db
      .updateTable("organizations")
      .set({ seat_limit: 12 })
      .where("id", "=", orgId)
      .execute();
    t.clock.advance(60);
    const batchAt = t.clock();
    const eleven = Array.from({ length: 11 }, (_, i) => `seat.${i}@seats.example`);
    expect(
      await failure(
        o.invitations.create.mutate({ orgId, emails: ["held@seats.example", ...eleven], role: "member" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "SEAT_LIMIT" });
    const written = await writtenAt(orgId, batchAt);
    expect(written).toEqual({ emails: [], audit: [], events: [], webhooks: [], grants: [] });
    const count = await t.database.db
      .selectFrom("invitations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // Ten new ones fit; the one already invited takes no second seat.
    const { results } = await o.invitations.create.mutate({
      orgId,
      emails: ["held@seats.example", ...eleven.slice(0, 10)],
      role: "member",
    });
    expect(results.map((r) => r.status)).toEqual(["already_invited", ...Array(10).fill("invited")]);
    expect((await writtenAt(orgId, batchAt)).audit).toHaveLength(10);
  }, 60_000);
});
