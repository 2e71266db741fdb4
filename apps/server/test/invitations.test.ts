import { isEmailAddress } from "@roster/reasons";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, linkToken, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("inviting", () => {
  it("reports each address: invited, already a member, already invited, invalid", async () => {
    const alice = await verifiedPerson(t, "Alice");
    const orgId = await personalOrg(alice);
    const first = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["bob@example.com", "not-an-email", "BOB@example.com", alice.email],
      role: "member",
    });
    expect(first.results.map((r) => [r.email, r.status])).toEqual([
      ["bob@example.com", "invited"],
      ["not-an-email", "invalid"],
      [alice.email, "already_member"],
    ]);
    const again = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["Bob@Example.com"],
      role: "admin",
    });
    expect(again.results).toEqual([
      { email: "Bob@Example.com", status: "already_invited", invitationId: first.results[0]!.invitationId },
    ]);
  });

  it("sends the valid addresses of a batch and reports the others, by the check clients make too", async () => {
    const alice = await verifiedPerson(t, "Alice Batch");
    const orgId = await personalOrg(alice);
    const emails = ["ann@example.com", "zoë@example.com", "o'neil@example.ie", "a..b@example.com", "cy@x.io"];
    const { results } = await alice.client.invitations.create.mutate({ orgId, emails, role: "member" });
    expect(results.map((r) => [r.email, r.status])).toEqual(
      emails.map((e) => [e, isEmailAddress(e) ? "invited" : "invalid"]),
    );
    expect(results.filter((r) => r.status === "invalid").map((r) => r.email)).toEqual([
      "zoë@example.com",
      "a..b@example.com",
    ]);
    // Signing up takes the same check.
    expect(
      await failure(
        t.client().auth.signUp.mutate({ email: "zoë@example.com", password: PASSWORD, name: "Zoë" }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
  });

  it("emails a link naming the organization, the inviter and the role, in text and HTML", async () => {
    const alice = await verifiedPerson(t, "Alice Mail");
    const orgId = await personalOrg(alice);
    await alice.client.orgs.update.mutate({ orgId, name: "Acme Labs" });
    await alice.client.invitations.create.mutate({
      orgId,
      emails: ["carol.mail@example.com"],
      role: "admin",
    });
    const [mail] = await t.mailTo("carol.mail@example.com");
    expect(mail!.subject).toBe("Alice Mail invited you to join Acme Labs");
    expect(mail!.text).toContain("as an admin");
    expect(mail!.text).toMatch(/http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]{43}/);
    expect(mail!.html).toContain("Acme Labs");
    const { url } = await alice.client.invitations.link.query({
      orgId,
      invitationId: (await alice.client.invitations.list.query({ orgId })).items[0]!.id,
    });
    expect(mail!.text).toContain(url);
  });
});

describe("accepting", () => {
  it("shows an invitation to a verified invitee, who accepts it from the dashboard", async () => {
    const alice = await verifiedPerson(t, "Alice Dash");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Dash");
    await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email.toUpperCase()],
      role: "member",
    });
    const mine = await bob.client.invitations.mine.query();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      organization: { id: orgId },
      inviter: { name: "Alice Dash" },
      role: "member",
    });
    expect(await bob.client.invitations.accept.mutate({ invitationId: mine[0]!.id })).toEqual({
      orgId,
      role: "member",
    });
    expect(await bob.client.invitations.mine.query()).toEqual([]);
    const orgs = await bob.client.orgs.list.query();
    expect(orgs.find((o) => o.id === orgId)).toMatchObject({ role: "member", active: true });
    expect(await failure(bob.client.invitations.accept.mutate({ invitationId: mine[0]!.id }))).toMatchObject({
      reason: "INVITATION_ALREADY_ACCEPTED",
    });
  });

  it("refuses an unverified account: no list, no accept by id", async () => {
    const alice = await verifiedPerson(t, "Alice Unverified");
    const orgId = await personalOrg(alice);
    const mallory = await t.signUp("Mallory", "victim@example.com");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["victim@example.com"],
      role: "member",
    });
    expect(await failure(mallory.client.invitations.mine.query())).toMatchObject({
      code: "FORBIDDEN",
      reason: "EMAIL_NOT_VERIFIED",
    });
    expect(
      await failure(mallory.client.invitations.accept.mutate({ invitationId: results[0]!.invitationId! })),
    ).toMatchObject({ reason: "EMAIL_NOT_VERIFIED" });

    // Once the address is confirmed through the emailed link, the same account sees and accepts it.
    const confirm = (await t.mailTo("victim@example.com")).find((m) => m.text.includes("/verify-email/"));
    await t.client().auth.verifyEmail.mutate({ token: linkToken(confirm!.text, "/verify-email/") });
    expect((await mallory.client.invitations.mine.query()).map((i) => i.id)).toEqual([
      results[0]!.invitationId,
    ]);
    expect(
      await mallory.client.invitations.accept.mutate({ invitationId: results[0]!.invitationId! }),
    ).toEqual({
      orgId,
      role: "member",
    });
  });

  it("refuses accepting an invitation sent to another address", async () => {
    const alice = await verifiedPerson(t, "Alice Other");
    const orgId = await personalOrg(alice);
    const eve = await verifiedPerson(t, "Eve");
    await alice.client.invitations.create.mutate({
      orgId,
      emails: ["someone.else@example.com"],
      role: "member",
    });
    const [mail] = await t.mailTo("someone.else@example.com");
    const token = linkToken(mail!.text, "/invite/");
    expect(await failure(eve.client.invitations.accept.mutate({ token }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "EMAIL_MISMATCH",
    });
  });

  it("lets a new person open the link, see the preview, sign up with that address and join", async () => {
    const alice = await verifiedPerson(t, "Alice Link");
    const orgId = await personalOrg(alice);
    await alice.client.invitations.create.mutate({
      orgId,
      emails: ["carol.new@example.com"],
      role: "viewer",
    });
    const [mail] = await t.mailTo("carol.new@example.com");
    const token = linkToken(mail!.text, "/invite/");
    const preview = await t.client().invitations.preview.query({ token });
    expect(preview).toMatchObject({
      status: "pending",
      email: "carol.new@example.com",
      role: "viewer",
      organization: { id: orgId },
      inviter: { name: "Alice Link" },
      accountExists: false,
    });
    const carol = await t.client().auth.signUp.mutate({
      email: "carol.new@example.com",
      password: PASSWORD,
      name: "Carol",
    });
    expect(carol.user.emailVerified).toBe(false);
    expect(await t.client(carol.token).invitations.accept.mutate({ token })).toEqual({
      orgId,
      role: "viewer",
    });
    expect((await t.client().invitations.preview.query({ token })).status).toBe("accepted");
    // The link accepted its own invitation and nothing more: the address is still unconfirmed.
    expect((await t.client(carol.token).auth.me.query()).user.emailVerified).toBe(false);
  });

  it("never lets an invitation link the inviter can read prove the address", async () => {
    // A real organization invites new-hire@corp.example.
    const victimAdmin = await verifiedPerson(t, "Corp Admin");
    const corpOrg = await personalOrg(victimAdmin);
    const real = await victimAdmin.client.invitations.create.mutate({
      orgId: corpOrg,
      emails: ["new-hire@corp.example"],
      role: "admin",
    });
    const realId = real.results[0]!.invitationId!;

    // Mallory invites the same address to her own organization and copies the link.
    const mallory = await verifiedPerson(t, "Mallory");
    const malloryOrg = await personalOrg(mallory);
    const own = await mallory.client.invitations.create.mutate({
      orgId: malloryOrg,
      emails: ["new-hire@corp.example"],
      role: "member",
    });
    const { url } = await mallory.client.invitations.link.query({
      orgId: malloryOrg,
      invitationId: own.results[0]!.invitationId!,
    });
    const token = url.slice(url.lastIndexOf("/") + 1);

    // Signing up or in as that address, even offering the token, confirms nothing.
    const signUpInput = { email: "new-hire@corp.example", password: PASSWORD, name: "Not New Hire" };
    const signedUp = await t
      .client()
      .auth.signUp.mutate({ ...signUpInput, invitationToken: token } as typeof signUpInput);
    expect(signedUp.user.emailVerified).toBe(false);
    const signedIn = await t.client().auth.signIn.mutate({
      email: signUpInput.email,
      password: PASSWORD,
      invitationToken: token,
    } as { email: string; password: string });
    expect(signedIn.user.emailVerified).toBe(false);
    const fake = t.client(signedIn.token);

    // Accepting her own invitation by token joins her organization and proves nothing more.
    await fake.invitations.accept.mutate({ token });
    expect((await fake.auth.me.query()).user.emailVerified).toBe(false);
    expect(await failure(fake.invitations.accept.mutate({ invitationId: realId }))).toMatchObject({
      reason: "EMAIL_NOT_VERIFIED",
    });
    expect(await failure(fake.invitations.mine.query())).toMatchObject({ reason: "EMAIL_NOT_VERIFIED" });
    expect(await failure(fake.orgs.get.query({ orgId: corpOrg }))).toMatchObject({ reason: "ORG_NOT_FOUND" });
    const users = await t.database.db
      .selectFrom("users")
      .select("email_verified_at")
      .where("email", "=", "new-hire@corp.example")
      .executeTakeFirstOrThrow();
    expect(users.email_verified_at).toBeNull();
  });

  it("makes exactly one membership from two parallel accepts", async () => {
    const alice = await verifiedPerson(t, "Alice Race");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Race");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    // Two separate HTTP requests (not one batch), as from two browser tabs.
    const outcomes = await Promise.allSettled([
      t.client(bob.token).invitations.accept.mutate({ invitationId }),
      t.client(bob.token).invitations.accept.mutate({ invitationId }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const count = await t.database.db
      .selectFrom("memberships")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("org_id", "=", orgId)
      .where("user_id", "=", bob.user.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("copies the invitation's metadata to the membership", async () => {
    const alice = await verifiedPerson(t, "Alice Meta");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Meta");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
      metadata: { team: "platform", seat: 7 },
    });
    await bob.client.invitations.accept.mutate({ invitationId: results[0]!.invitationId! });
    const { items } = await alice.client.members.list.query({ orgId, search: bob.email });
    expect(items[0]).toMatchObject({ userId: bob.user.id, metadata: { team: "platform", seat: 7 } });
  });

  it("declines, and a declined invitation cannot be accepted", async () => {
    const alice = await verifiedPerson(t, "Alice Decline");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Decline");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    await bob.client.invitations.decline.mutate({ invitationId });
    expect(await failure(bob.client.invitations.accept.mutate({ invitationId }))).toMatchObject({
      reason: "INVITATION_DECLINED",
    });
  });
});

describe("managing invitations", () => {
  it("revokes: the link then refuses with INVITATION_REVOKED", async () => {
    const alice = await verifiedPerson(t, "Alice Revoke");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Revoke");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    await alice.client.invitations.revoke.mutate({ orgId, invitationId });
    const mail = (await t.mailTo(bob.email)).find((m) => m.text.includes("/invite/"));
    const token = linkToken(mail!.text, "/invite/");
    expect(await failure(bob.client.invitations.accept.mutate({ token }))).toMatchObject({
      reason: "INVITATION_REVOKED",
    });
    expect(await failure(alice.client.invitations.revoke.mutate({ orgId, invitationId }))).toMatchObject({
      reason: "INVITATION_NOT_PENDING",
    });
  });

  it("expires after 7 days, stays visible as expired, and resending renews it with the same link", async () => {
    const alice = await verifiedPerson(t, "Alice Expire");
    const orgId = await personalOrg(alice);
    const bob = await verifiedPerson(t, "Bob Expire");
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: [bob.email],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    t.clock.advance(7 * 24 * 3600 + 60);
    expect(await failure(bob.client.invitations.accept.mutate({ invitationId }))).toMatchObject({
      reason: "INVITATION_EXPIRED",
    });
    const expired = await alice.client.invitations.list.query({ orgId, status: "expired" });
    expect(expired.items.map((i) => i.id)).toContain(invitationId);
    const listed = await alice.client.members.list.query({ orgId, status: "expired" });
    expect(listed.items.map((i) => i.id)).toEqual([invitationId]);

    const renewed = await alice.client.invitations.resend.mutate({ orgId, invitationId });
    expect(renewed.status).toBe("pending");
    expect(renewed.sendCount).toBe(2);
    const links = (await t.mailTo(bob.email))
      .filter((m) => m.text.includes("/invite/"))
      .map((m) => linkToken(m.text, "/invite/"));
    expect(links).toHaveLength(2);
    expect(links[0]).toBe(links[1]);
    expect(await bob.client.invitations.accept.mutate({ invitationId })).toMatchObject({ orgId });
  });

  it("rate-limits resending one invitation", async () => {
    const alice = await verifiedPerson(t, "Alice Resend");
    const orgId = await personalOrg(alice);
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["resend@example.com"],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    for (let i = 0; i < 5; i++) await alice.client.invitations.resend.mutate({ orgId, invitationId });
    expect(await failure(alice.client.invitations.resend.mutate({ orgId, invitationId }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "RATE_LIMITED",
    });
  });

  it("does not let another organization use up an invitation's resend allowance", async () => {
    const alice = await verifiedPerson(t, "Alice Allowance");
    const orgId = await personalOrg(alice);
    const { results } = await alice.client.invitations.create.mutate({
      orgId,
      emails: ["allow@example.com"],
      role: "member",
    });
    const invitationId = results[0]!.invitationId!;
    const mallory = await verifiedPerson(t, "Mallory Allowance");
    const malloryOrg = await personalOrg(mallory);
    for (let i = 0; i < 6; i++) {
      expect(
        await failure(mallory.client.invitations.resend.mutate({ orgId: malloryOrg, invitationId })),
      ).toMatchObject({
        reason: i < 5 ? "INVITATION_NOT_FOUND" : "RATE_LIMITED",
      });
    }
    expect((await alice.client.invitations.resend.mutate({ orgId, invitationId })).sendCount).toBe(2);
  });

  it("refuses an invalid batch as a whole: too many addresses, unknown role", async () => {
    const alice = await verifiedPerson(t, "Alice Batch");
    const orgId = await personalOrg(alice);
    const emails = Array.from({ length: 101 }, (_, i) => `p${i}@example.com`);
    expect(
      await failure(alice.client.invitations.create.mutate({ orgId, emails, role: "member" })),
    ).toMatchObject({
      reason: "VALIDATION",
    });
    expect(
      await failure(
        alice.client.invitations.create.mutate({ orgId, emails: ["x@example.com"], role: "wizard" }),
      ),
    ).toMatchObject({ reason: "ROLE_NOT_FOUND" });
    expect((await alice.client.invitations.list.query({ orgId })).items).toEqual([]);
  });
});
