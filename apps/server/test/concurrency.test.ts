import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

/*
 * Races made deterministic: `holdLock` keeps one transaction inside its lock while a second
 * request starts; the second must wait for the lock ("waiting") and then see the first's change.
 * Without the lock it goes straight past ("passed") and both changes land.
 */

const membershipsOf = async (t: TestServer, userId: string) =>
  Number(
    (
      await t.database.db
        .selectFrom("memberships")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("one invitation, two requests", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("two parallel accepts: one membership, and the other is told it was already accepted", async () => {
    const alice = await verifiedPerson(t, "Alice Twice");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Twice");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    const gate = t.holdLock("account");
    const first = t.client(bob.token).invitations.accept.mutate({ invitationId });
    await gate.held;
    const second = failure(t.client(bob.token).invitations.accept.mutate({ invitationId }));
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    expect(await first).toEqual({ orgId, role: "member" });
    expect(await second).toMatchObject({ code: "CONFLICT", reason: "INVITATION_ALREADY_ACCEPTED" });
    expect(await membershipsOf(t, bob.user.id)).toBe(2); // personal organization + this one
  });

  it("an accept racing a revoke waits for it and is refused", async () => {
    const alice = await verifiedPerson(t, "Alice Revoke");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Revoke");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    const gate = t.holdLock("invitation");
    const revoke = alice.client.invitations.revoke.mutate({ orgId, invitationId });
    await gate.held;
    const accept = failure(bob.client.invitations.accept.mutate({ invitationId }));
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    expect((await revoke).status).toBe("revoked");
    expect(await accept).toMatchObject({ code: "CONFLICT", reason: "INVITATION_REVOKED" });
    expect(await membershipsOf(t, bob.user.id)).toBe(1);
  });

  it("the seat limit holds when two invitations take the last seat at once", async () => {
    const alice = await verifiedPerson(t, "Alice Seats");
    const orgId = await personalOrg(alice);
    await t.database.db.updateTable("organizations").set({ seat_limit: 2 }).where("id", "=", orgId).execute();
    const gate = t.holdLock("organization");
    const first = alice.client.invitations.create.mutate({
      orgId,
      emails: ["s1@example.com"],
      role: "member",
    });
    await gate.held;
    const second = failure(
      t.client(alice.token).invitations.create.mutate({ orgId, emails: ["s2@example.com"], role: "member" }),
    );
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    expect((await first).results[0]!.status).toBe("invited");
    expect(await second).toMatchObject({ code: "CONFLICT", reason: "SEAT_LIMIT" });
  });
});

describe("SINGLE_ORGANIZATION under parallel requests", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ SINGLE_ORGANIZATION: "true" });
  });
  afterAll(() => t?.close());

  /** An organization made by a new account (single-organization deployments make none at sign-up). */
  async function orgOf(name: string): Promise<{ admin: SignedUpPerson; orgId: string }> {
    const admin = await verifiedPerson(t, name);
    const org = await admin.client.orgs.create.mutate({ name: `${name} Inc` });
    return { admin, orgId: org.id };
  }

  async function invite(from: { admin: SignedUpPerson; orgId: string }, who: SignedUpPerson) {
    const { results } = await from.admin.client.invitations.create.mutate({
      orgId: from.orgId,
      emails: [who.email],
      role: "member",
    });
    return results[0]!.invitationId!;
  }

  /** Runs `first` held inside the account lock, then `second`; exactly one may add the membership. */
  async function race(person: SignedUpPerson, first: () => Promise<unknown>, second: () => Promise<unknown>) {
    const gate = t.holdLock("account");
    const one = first();
    await gate.held;
    const other = failure(second());
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    await one;
    expect(await other).toMatchObject({ code: "CONFLICT", reason: "SINGLE_ORGANIZATION" });
    expect(await membershipsOf(t, person.user.id)).toBe(1);
  }

  it("keeps an account in one organization: two creations, accept and creation, two accepts", async () => {
    const x = await orgOf("Xeno");
    const y = await orgOf("Yarrow");
    for (let round = 0; round < 3; round++) {
      const creator = await verifiedPerson(t, `Creator ${round}`);
      await race(
        creator,
        () => t.client(creator.token).orgs.create.mutate({ name: `First ${round}` }),
        () => t.client(creator.token).orgs.create.mutate({ name: `Second ${round}` }),
      );

      const joiner = await verifiedPerson(t, `Joiner ${round}`);
      const fromX = await invite(x, joiner);
      await race(
        joiner,
        () => t.client(joiner.token).invitations.accept.mutate({ invitationId: fromX }),
        () => t.client(joiner.token).orgs.create.mutate({ name: `Own ${round}` }),
      );

      const twice = await verifiedPerson(t, `Twice ${round}`);
      const [a, b] = [await invite(x, twice), await invite(y, twice)];
      await race(
        twice,
        () => t.client(twice.token).invitations.accept.mutate({ invitationId: a }),
        () => t.client(twice.token).invitations.accept.mutate({ invitationId: b }),
      );
    }
  });
});
