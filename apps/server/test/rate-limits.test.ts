import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, mutateFrom, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

const signIn = (t: TestServer, from: string, email: string, password: string) =>
  mutateFrom(t, from, "auth.signIn", { email, password });

describe("sign-up", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ SIGN_UPS_PER_IP_PER_HOUR: "3" });
  });
  afterAll(() => t?.close());

  it("limits accounts made from one network address, even in one batched request", async () => {
    const batch = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        t.client().auth.signUp.mutate({ email: `spray${i}@example.com`, password: PASSWORD, name: `S${i}` }),
      ),
    );
    expect(batch.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = batch.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as { data: { reason: string } }).data.reason).toBe("RATE_LIMITED");
    const users = await t.database.db.selectFrom("users").select("email").execute();
    expect(users).toHaveLength(3);
    // Only the accepted sign-ups emailed anyone.
    await t.deliver();
    const mail = await t.database.db.selectFrom("dev_mailbox").select("to").execute();
    expect(mail).toHaveLength(3);

    // Another network address is not affected, and the window passes.
    expect(
      await mutateFrom(t, "127.0.0.2", "auth.signUp", {
        email: "elsewhere@example.com",
        password: PASSWORD,
        name: "Elsewhere",
      }),
    ).toEqual({ status: 200, reason: null });
    t.clock.advance(60 * 60 + 1);
    await t.client().auth.signUp.mutate({ email: "later@example.com", password: PASSWORD, name: "Later" });
  });
});

describe("sign-in", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ FAILED_SIGN_INS_PER_IP_PER_HOUR: "30" });
  });
  afterAll(() => t?.close());

  it("stops guessing one account's password from one place without locking its owner out elsewhere", async () => {
    const alice = await t.signUp("Alice Guess");
    for (let i = 0; i < 10; i++) {
      expect(await signIn(t, "127.0.0.5", alice.email, `wrong guess ${i}`)).toMatchObject({
        reason: "INVALID_CREDENTIALS",
      });
    }
    // Refused before any password check, even with the right password, from that address…
    expect(await signIn(t, "127.0.0.5", alice.email, PASSWORD)).toEqual({
      status: 429,
      reason: "RATE_LIMITED",
    });
    // …while Alice signs in from her own network.
    expect(await signIn(t, "127.0.0.6", alice.email, PASSWORD)).toEqual({ status: 200, reason: null });
    t.clock.advance(15 * 60 + 1);
    expect(await signIn(t, "127.0.0.5", alice.email, PASSWORD)).toEqual({ status: 200, reason: null });
  });

  it("clears the count of failures once the right password is given", async () => {
    const bob = await t.signUp("Bob Typo");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) await signIn(t, "127.0.0.7", bob.email, "typo");
      expect(await signIn(t, "127.0.0.7", bob.email, PASSWORD)).toEqual({ status: 200, reason: null });
    }
  });

  it("stops one network address trying one password across many accounts", async () => {
    t.clock.advance(2 * 60 * 60);
    const victims = await Promise.all(Array.from({ length: 4 }, (_, i) => t.signUp(`Victim ${i}`)));
    let refusedAt = -1;
    for (let i = 0; i < 40; i++) {
      const victim = victims[i % victims.length]!;
      const answer = await signIn(t, "127.0.0.8", victim.email, "Summer2026!");
      if (answer.reason === "RATE_LIMITED") {
        refusedAt = i;
        break;
      }
      expect(answer.reason).toBe("INVALID_CREDENTIALS");
    }
    expect(refusedAt).toBe(30);
    // Every account still signs in from elsewhere.
    for (const victim of victims) {
      expect(await signIn(t, "127.0.0.9", victim.email, PASSWORD)).toEqual({ status: 200, reason: null });
    }
  });
});

describe("invitations", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ INVITATIONS_PER_ORG_PER_HOUR: "6" });
  });
  afterAll(() => t?.close());

  it("gives an organization an hourly budget of invitation emails; a refused call invites nobody", async () => {
    const alice = await verifiedPerson(t, "Alice Budget");
    const orgId = await personalOrg(alice);
    const emails = Array.from({ length: 7 }, (_, i) => `budget${i}@example.com`);
    expect(
      await failure(alice.client.invitations.create.mutate({ orgId, emails, role: "member" })),
    ).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "RATE_LIMITED",
    });
    expect(await t.database.db.selectFrom("invitations").select("id").execute()).toHaveLength(0);
    const ok = await alice.client.invitations.create.mutate({
      orgId,
      emails: emails.slice(0, 6),
      role: "member",
    });
    expect(ok.results.every((r) => r.status === "invited")).toBe(true);
    expect(
      await failure(
        alice.client.invitations.create.mutate({ orgId, emails: ["one.more@example.com"], role: "member" }),
      ),
    ).toMatchObject({ reason: "RATE_LIMITED" });
    // Another organization has its own budget.
    const bob = await verifiedPerson(t, "Bob Budget");
    const bobOrg = await personalOrg(bob);
    await bob.client.invitations.create.mutate({
      orgId: bobOrg,
      emails: ["one.more@example.com"],
      role: "member",
    });
    t.clock.advance(60 * 60 + 1);
    await alice.client.invitations.create.mutate({ orgId, emails: ["one.more@example.com"], role: "member" });
  });

  it("does not let invite-and-revoke flood one address", async () => {
    t.clock.advance(2 * 60 * 60);
    const carol = await verifiedPerson(t, "Carol Flood");
    const orgId = await personalOrg(carol);
    for (let i = 0; i < 3; i++) {
      const { results } = await carol.client.invitations.create.mutate({
        orgId,
        emails: ["target@example.com"],
        role: "member",
      });
      expect(results[0]?.status).toBe("invited");
      await carol.client.invitations.revoke.mutate({ orgId, invitationId: results[0]!.invitationId! });
    }
    expect(
      await failure(
        carol.client.invitations.create.mutate({ orgId, emails: ["target@example.com"], role: "member" }),
      ),
    ).toMatchObject({ reason: "RATE_LIMITED" });
    await t.deliver();
    const sent = await t.mailTo("target@example.com");
    expect(sent).toHaveLength(3);
  });
});

describe("invitations: what the budget is charged for", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ INVITATIONS_PER_ORG_PER_HOUR: "5" });
  });
  afterAll(() => t?.close());

  const pendingTo = async (orgId: string) =>
    (
      await t.database.db
        .selectFrom("invitations")
        .select("email")
        .where("org_id", "=", orgId)
        .where("status", "=", "pending")
        .orderBy("email")
        .execute()
    ).map((r) => r.email);

  it("charges an organization's hourly budget for the addresses it invites, not for members or live invitations", async () => {
    const alice = await verifiedPerson(t, "Alice Budget");
    const orgId = await personalOrg(alice);
    const invite = (emails: string[]) =>
      alice.client.invitations.create.mutate({ orgId, emails, role: "member" });
    const statuses = async (emails: string[]) => (await invite(emails)).results.map((r) => r.status);

    expect(await statuses(["a1@example.com", "a2@example.com", "a3@example.com"])).toEqual([
      "invited",
      "invited",
      "invited",
    ]);
    // Addresses already invited, and the inviter's own, are reported and not charged, however often.
    for (let i = 0; i < 4; i++) {
      expect(await statuses(["A1@example.com", "a2@example.com", "a3@example.com", alice.email])).toEqual([
        "already_invited",
        "already_invited",
        "already_invited",
        "already_member",
      ]);
    }
    expect(await statuses(["b1@example.com", "b2@example.com"])).toEqual(["invited", "invited"]);

    // The sixth address is over the budget: refused with the time to wait, and nothing is written.
    expect(await failure(invite(["c1@example.com", "a1@example.com"]))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "RATE_LIMITED",
    });
    expect(await pendingTo(orgId)).toEqual([
      "a1@example.com",
      "a2@example.com",
      "a3@example.com",
      "b1@example.com",
      "b2@example.com",
    ]);
    const { count } = await t.database.db
      .selectFrom("rate_limits")
      .select("count")
      .where("key", "=", `invitation-emails:${orgId}`)
      .executeTakeFirstOrThrow();
    expect(count).toBe(5);

    t.clock.advance(60 * 60 + 1);
    expect(await statuses(["c1@example.com"])).toEqual(["invited"]);
  });
});
