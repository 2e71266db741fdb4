import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function orgWith(n: number, label: string) {
  const owner = await verifiedPerson(t, `${label} Owner`);
  const orgId = await personalOrg(owner);
  const people: SignedUpPerson[] = [];
  for (let i = 0; i < n; i++) {
    const p = await verifiedPerson(t, `${label} Person ${i}`);
    t.clock.advance(1); // each joins at a distinct moment, as in life
    await addMember(t, owner, orgId, p);
    people.push(p);
  }
  return { owner, orgId, people };
}

const activeOwners = async (orgId: string) =>
  Number(
    (
      await t.database.db
        .selectFrom("memberships")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("org_id", "=", orgId)
        .where("role", "=", "owner")
        .where("status", "=", "active")
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("members.list", () => {
  it("pages newest first with a keyset cursor, and shows invitations in the same list", async () => {
    const { owner, orgId, people } = await orgWith(5, "Paging");
    t.clock.advance(1);
    await owner.client.invitations.create.mutate({
      orgId,
      emails: ["pending.paging@example.com"],
      role: "viewer",
    });
    const first = await owner.client.members.list.query({ orgId, limit: 4, includeInvitations: true });
    expect(first.items.map((i) => i.status)).toEqual(["invited", "active", "active", "active"]);
    expect(first.items[0]).toMatchObject({
      kind: "invitation",
      email: "pending.paging@example.com",
      role: "viewer",
    });
    expect(first.items[1]!.userId).toBe(people[4]!.user.id);
    const second = await owner.client.members.list.query({
      orgId,
      limit: 4,
      includeInvitations: true,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((i) => i.userId)).toEqual([
      people[1]!.user.id,
      people[0]!.user.id,
      owner.user.id,
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it("gives a member the same whole item whether invitations are read along or not", async () => {
    const { owner, orgId, people } = await orgWith(1, "Whole");
    const alone = await owner.client.members.list.query({ orgId, limit: 1 });
    const along = await owner.client.members.list.query({ orgId, limit: 1, includeInvitations: true });
    const person = people[0]!;
    const item = {
      kind: "member",
      id: person.user.id,
      userId: person.user.id,
      invitationId: null,
      email: person.email,
      name: "Whole Person 0",
      role: "member",
      status: "active",
      serviceAccount: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      expiresAt: null,
      metadata: {},
    };
    expect(alone.items).toEqual([item]);
    expect(along.items).toEqual(alone.items);
  });

  it("finds people and invitations by the start of any word of their name or address", async () => {
    const owner = await verifiedPerson(t, "Words Owner");
    const orgId = await personalOrg(owner);
    const carol = await verifiedPerson(t, "Carol Chen", "carol@chen-labs.test");
    await addMember(t, owner, orgId, carol);
    const zoe = await verifiedPerson(t, "Zoë O'Brien", "zoe@words.test");
    await addMember(t, owner, orgId, zoe);
    await owner.client.invitations.create.mutate({ orgId, emails: ["dana@chen-labs.test"], role: "member" });
    const found = async (search: string) =>
      (await owner.client.members.list.query({ orgId, search, includeInvitations: true })).items
        .map((i) => i.name ?? i.email)
        .sort();
    expect(await found("chen")).toEqual(["Carol Chen", "dana@chen-labs.test"]);
    expect(await found("CHEN carol")).toEqual(["Carol Chen"]);
    expect(await found("chen-labs.test")).toEqual(["Carol Chen", "dana@chen-labs.test"]);
    expect(await found("labs")).toEqual(["Carol Chen", "dana@chen-labs.test"]);
    expect(await found("brien")).toEqual(["Zoë O'Brien"]);
    expect(await found("zoë")).toEqual(["Zoë O'Brien"]);
    expect(await found("hen")).toEqual([]);
  });

  it("searches name and email by case-insensitive prefix, and filters by status and role", async () => {
    const { owner, orgId, people } = await orgWith(3, "Search");
    await owner.client.members.updateRole.mutate({ orgId, userId: people[0]!.user.id, role: "admin" });
    await owner.client.members.deactivate.mutate({ orgId, userId: people[1]!.user.id });
    const byName = await owner.client.members.list.query({ orgId, search: "search person 2" });
    expect(byName.items.map((i) => i.userId)).toEqual([people[2]!.user.id]);
    const byEmail = await owner.client.members.list.query({
      orgId,
      search: people[0]!.email.slice(0, 12).toUpperCase(),
    });
    expect(byEmail.items.map((i) => i.userId)).toContain(people[0]!.user.id);
    expect((await owner.client.members.list.query({ orgId, search: "%" })).items).toEqual([]);
    const deactivated = await owner.client.members.list.query({ orgId, status: "deactivated" });
    expect(deactivated.items.map((i) => i.userId)).toEqual([people[1]!.user.id]);
    const admins = await owner.client.members.list.query({ orgId, role: "admin" });
    expect(admins.items.map((i) => i.userId)).toEqual([people[0]!.user.id]);
  });

  it("refuses a page size over 100 and a forged cursor", async () => {
    const { owner, orgId } = await orgWith(0, "Limits");
    expect(await failure(owner.client.members.list.query({ orgId, limit: 101 }))).toMatchObject({
      reason: "VALIDATION",
    });
    expect(await failure(owner.client.members.list.query({ orgId, cursor: "not-a-cursor" }))).toMatchObject({
      reason: "INVALID_CURSOR",
    });
  });
});

describe("roles and owners", () => {
  it("refuses to demote, deactivate, remove or let leave the last owner", async () => {
    const { owner, orgId, people } = await orgWith(1, "Last");
    const self = owner.user.id;
    await owner.client.members.updateRole.mutate({ orgId, userId: people[0]!.user.id, role: "admin" });
    expect(
      await failure(owner.client.members.updateRole.mutate({ orgId, userId: self, role: "admin" })),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "LAST_OWNER",
    });
    expect(await failure(owner.client.members.remove.mutate({ orgId, userIds: [self] }))).toMatchObject({
      reason: "LAST_OWNER",
    });
    expect(await failure(owner.client.members.leave.mutate({ orgId }))).toMatchObject({
      reason: "LAST_OWNER",
    });
    expect(await failure(owner.client.members.deactivate.mutate({ orgId, userId: self }))).toMatchObject({
      reason: "CANNOT_DEACTIVATE_SELF",
    });
    expect(await activeOwners(orgId)).toBe(1);
  });

  it("keeps one owner when two owners take each other away at once: the second waits, then is refused", async () => {
    const { owner, orgId, people } = await orgWith(1, "Mutual");
    const second = people[0]!;
    await owner.client.members.updateRole.mutate({ orgId, userId: second.user.id, role: "owner" });
    // The first demotion is held inside the owners' lock while the other owner's removal starts.
    const gate = t.holdLock("owners");
    const demote = owner.client.members.updateRole.mutate({ orgId, userId: second.user.id, role: "member" });
    await gate.held;
    const remove = failure(second.client.members.remove.mutate({ orgId, userIds: [owner.user.id] }));
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    expect(await demote).toEqual({ userId: second.user.id, role: "member" });
    expect(await remove).toMatchObject({ code: "CONFLICT", reason: "LAST_OWNER" });
    expect(await activeOwners(orgId)).toBe(1);
  });

  it("keeps exactly one owner when 20 parallel requests each demote or remove one of two owners", async () => {
    const { owner, orgId, people } = await orgWith(1, "Race");
    const second = people[0]!;
    await owner.client.members.updateRole.mutate({ orgId, userId: second.user.id, role: "owner" });
    expect(await activeOwners(orgId)).toBe(2);
    const warningsBefore = t.warnings.length;
    // 20 separate HTTP requests (a client each, so nothing is batched) that really run at once.
    const calls = Array.from({ length: 20 }, (_, i) => {
      const [actor, target] = i % 2 === 0 ? [owner, second] : [second, owner];
      const client = t.client(actor.token);
      return i % 4 < 2
        ? client.members.updateRole.mutate({ orgId, userId: target.user.id, role: "member" })
        : client.members.remove.mutate({ orgId, userIds: [target.user.id] });
    });
    const outcomes = await Promise.allSettled(calls);
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason.data.reason).toMatch(
        /^(LAST_OWNER|OWNER_REQUIRED|MEMBER_NOT_FOUND|PERMISSION_DENIED|ORG_NOT_FOUND)$/,
      );
    }
    expect(await activeOwners(orgId)).toBe(1);
    // They waited for each other's locks in one order: Postgres never had to abort one as a deadlock.
    expect(t.warnings.slice(warningsBefore).map((w) => w.code)).not.toContain("40P01");
  });

  it("transfers ownership atomically: the new owner gains owner, the old one becomes admin", async () => {
    const { owner, orgId, people } = await orgWith(1, "Transfer");
    const heir = people[0]!;
    // A reader polling while the transfer commits never sees zero owners.
    let polling = true;
    const seen: number[] = [];
    const poll = (async () => {
      while (polling) seen.push(await activeOwners(orgId));
    })();
    await owner.client.orgs.transferOwnership.mutate({ orgId, userId: heir.user.id });
    polling = false;
    await poll;
    expect(seen.every((n) => n >= 1)).toBe(true);
    expect((await heir.client.orgs.permissions.query({ orgId })).role).toBe("owner");
    expect((await owner.client.orgs.permissions.query({ orgId })).role).toBe("admin");
    expect(
      await failure(owner.client.orgs.transferOwnership.mutate({ orgId, userId: heir.user.id })),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("does not make a service account an owner", async () => {
    const { owner, orgId } = await orgWith(0, "Robot");
    const robot = await owner.client.serviceAccounts.create.mutate({
      orgId,
      name: "CI robot",
      role: "member",
    });
    expect(
      await failure(owner.client.members.updateRole.mutate({ orgId, userId: robot.userId, role: "owner" })),
    ).toMatchObject({ code: "BAD_REQUEST", reason: "INVALID_NEW_OWNER" });
  });

  it("does not let an admin give a role stronger than their own", async () => {
    const { owner, orgId, people } = await orgWith(2, "Escalate");
    const [admin, member] = people as [SignedUpPerson, SignedUpPerson];
    await owner.client.members.updateRole.mutate({ orgId, userId: admin.user.id, role: "admin" });
    expect(
      await failure(admin.client.members.updateRole.mutate({ orgId, userId: member.user.id, role: "owner" })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "ROLE_NOT_ALLOWED",
    });
    expect(
      await failure(admin.client.members.updateRole.mutate({ orgId, userId: owner.user.id, role: "member" })),
    ).toMatchObject({
      reason: "OWNER_REQUIRED",
    });
    expect(
      await failure(
        admin.client.invitations.create.mutate({ orgId, emails: ["boss@example.com"], role: "owner" }),
      ),
    ).toMatchObject({ reason: "ROLE_NOT_ALLOWED" });
  });
});

describe("deactivation", () => {
  it("refuses a deactivated member at once and restores access on reactivation", async () => {
    const { owner, orgId, people } = await orgWith(1, "Deact");
    const bob = people[0]!;
    expect((await bob.client.orgs.get.query({ orgId })).id).toBe(orgId);
    await owner.client.members.deactivate.mutate({ orgId, userId: bob.user.id });
    expect(await failure(bob.client.orgs.get.query({ orgId }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "MEMBERSHIP_DEACTIVATED",
    });
    expect(await failure(bob.client.members.list.query({ orgId }))).toMatchObject({
      reason: "MEMBERSHIP_DEACTIVATED",
    });
    const listed = await owner.client.members.list.query({ orgId, status: "deactivated" });
    expect(listed.items.map((i) => i.userId)).toEqual([bob.user.id]);
    await owner.client.members.reactivate.mutate({ orgId, userId: bob.user.id });
    expect((await bob.client.orgs.get.query({ orgId })).id).toBe(orgId);
  });

  it("is for owners: an admin is refused", async () => {
    const { owner, orgId, people } = await orgWith(2, "DeactAdmin");
    await owner.client.members.updateRole.mutate({ orgId, userId: people[0]!.user.id, role: "admin" });
    expect(
      await failure(people[0]!.client.members.deactivate.mutate({ orgId, userId: people[1]!.user.id })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
  });
});

describe("removal", () => {
  it("removes many at once; removed people lose access at once", async () => {
    const { owner, orgId, people } = await orgWith(3, "Bulk");
    const result = await owner.client.members.remove.mutate({
      orgId,
      userIds: [people[0]!.user.id, people[1]!.user.id],
    });
    expect(result.removed).toHaveLength(2);
    expect(await failure(people[0]!.client.orgs.get.query({ orgId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "ORG_NOT_FOUND",
    });
    expect((await people[0]!.client.orgs.list.query()).map((o) => o.id)).not.toContain(orgId);
    const remaining = await owner.client.members.list.query({ orgId });
    expect(remaining.items.map((i) => i.userId).sort()).toEqual([owner.user.id, people[2]!.user.id].sort());
  });

  it("requires naming who takes over a member's resources, and moves them in the same step", async () => {
    const { owner, orgId, people } = await orgWith(2, "Heir");
    const [bob, carol] = people as [SignedUpPerson, SignedUpPerson];
    const now = t.clock();
    await t.database.db
      .insertInto("resources")
      .values(
        [1, 2].map((i) => ({
          org_id: orgId,
          owner_id: bob.user.id,
          type: "cluster",
          name: `c${i}`,
          state: "running",
          metadata: "{}",
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const refused = await failure(owner.client.members.remove.mutate({ orgId, userIds: [bob.user.id] }));
    expect(refused).toMatchObject({ code: "CONFLICT", reason: "TRANSFER_REQUIRED" });
    expect((await owner.client.members.list.query({ orgId })).items.map((i) => i.userId)).toContain(
      bob.user.id,
    );
    expect(
      await failure(
        owner.client.members.remove.mutate({ orgId, userIds: [bob.user.id], transferTo: bob.user.id }),
      ),
    ).toMatchObject({ reason: "INVALID_TRANSFER_TARGET" });
    const done = await owner.client.members.remove.mutate({
      orgId,
      userIds: [bob.user.id],
      transferTo: carol.user.id,
    });
    expect(done.transferred).toBe(2);
    const owners = await t.database.db
      .selectFrom("resources")
      .select("owner_id")
      .where("org_id", "=", orgId)
      .execute();
    expect(owners.map((r) => r.owner_id)).toEqual([carol.user.id, carol.user.id]);
    // Each hand-over is audited (and so published as a resource.transferred webhook).
    const { items } = await owner.client.audit.list.query({ orgId, action: "resource.transferred" });
    expect(items.map((e) => [e.data.from, e.data.to, e.data.reason])).toEqual([
      [bob.user.id, carol.user.id, "member.removed"],
      [bob.user.id, carol.user.id, "member.removed"],
    ]);
  });

  it("lets a member leave", async () => {
    const { orgId, people } = await orgWith(1, "Leave");
    await people[0]!.client.members.leave.mutate({ orgId });
    expect(await failure(people[0]!.client.orgs.get.query({ orgId }))).toMatchObject({
      reason: "ORG_NOT_FOUND",
    });
  });
});

describe("seat limit", () => {
  it("is never exceeded by parallel invitations", async () => {
    const { owner, orgId } = await orgWith(1, "Seats");
    await t.database.db.updateTable("organizations").set({ seat_limit: 5 }).where("id", "=", orgId).execute();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        t
          .client(owner.token)
          .invitations.create.mutate({ orgId, emails: [`seat${i}@example.com`], role: "member" }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    for (const o of outcomes.filter((o) => o.status === "rejected")) {
      expect((o as PromiseRejectedResult).reason.data.reason).toBe("SEAT_LIMIT");
    }
    const { rows } = await sql<{ n: string }>`
      select (select count(*) from memberships where org_id = ${orgId})
           + (select count(*) from invitations where org_id = ${orgId} and status = 'pending') as n`.execute(
      t.database.db,
    );
    expect(Number(rows[0]!.n)).toBe(5);
  });

  it("frees a seat when an invitation expires or is revoked", async () => {
    const { owner, orgId } = await orgWith(0, "Free");
    await t.database.db.updateTable("organizations").set({ seat_limit: 2 }).where("id", "=", orgId).execute();
    const { results } = await owner.client.invitations.create.mutate({
      orgId,
      emails: ["f1@example.com"],
      role: "member",
    });
    expect(
      await failure(
        owner.client.invitations.create.mutate({ orgId, emails: ["f2@example.com"], role: "member" }),
      ),
    ).toMatchObject({
      reason: "SEAT_LIMIT",
    });
    await owner.client.invitations.revoke.mutate({ orgId, invitationId: results[0]!.invitationId! });
    const again = await owner.client.invitations.create.mutate({
      orgId,
      emails: ["f2@example.com"],
      role: "member",
    });
    expect(again.results[0]!.status).toBe("invited");
  });
});
