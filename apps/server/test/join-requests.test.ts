import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "./dns-server.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestServer({ DNS_SERVERS: dns.address });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

let counter = 0;
const freshDomain = (stem: string) => `${stem}-${++counter}.example`;

interface DomainOrg {
  owner: SignedUpPerson;
  orgId: string;
  domain: string;
  domainId: string;
}

/** An organization whose owner has a confirmed address on a fresh domain, verified by that address. */
async function orgOnDomain(stem: string, enrollment?: "invitation" | "suggestion", defaultRole?: string) {
  const domain = freshDomain(stem);
  const owner = await verifiedPerson(t, `${stem} Owner`, `owner@${domain}`);
  const orgId = await personalOrg(owner);
  const { id: domainId } = await owner.client.domains.add.mutate({ orgId, domain });
  await owner.client.domains.verify.mutate({ orgId, domainId, method: "email" });
  if (enrollment) {
    await owner.client.domains.setEnrollment.mutate({ orgId, domainId, enrollment, defaultRole });
  }
  return { owner, orgId, domain, domainId } satisfies DomainOrg;
}

const pendingInvitationsOf = async (person: SignedUpPerson) => person.client.invitations.mine.query();

describe("enrollment by domain", () => {
  it("invites a person who confirms an address on an automatic domain, with the domain's role", async () => {
    const org = await orgOnDomain("auto", "invitation", "viewer");
    const newcomer = await verifiedPerson(t, "Nina Newcomer", `nina@${org.domain}`);
    const mine = await pendingInvitationsOf(newcomer);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ organization: { id: org.orgId }, role: "viewer" });
    expect((await t.mailTo(newcomer.email)).map((m) => m.subject)).toContain(
      `Join ${(await org.owner.client.orgs.get.query({ orgId: org.orgId })).name}`,
    );
    const { items } = await org.owner.client.audit.list.query({ orgId: org.orgId, action: "member.invited" });
    expect(items[0]).toMatchObject({ actor: null, data: { email: newcomer.email, automatic: true } });
    // Accepting makes them a viewer; nothing is suggested to them any more.
    await newcomer.client.invitations.accept.mutate({ invitationId: mine[0]!.id });
    expect(await org.owner.client.members.list.query({ orgId: org.orgId })).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ userId: newcomer.user.id, role: "viewer" })]),
    });
    expect(await newcomer.client.joinRequests.suggestions.query()).toEqual([]);
  });

  it("invites nobody until an address is confirmed, and nobody on another domain", async () => {
    const org = await orgOnDomain("wait", "invitation");
    const unconfirmed = await t.signUp("Una Unconfirmed", `una@${org.domain}`);
    expect(
      await t.database.db
        .selectFrom("invitations")
        .select("id")
        .where("org_id", "=", org.orgId)
        .where("email", "=", unconfirmed.email)
        .execute(),
    ).toEqual([]);
    expect(await unconfirmed.client.joinRequests.suggestions.query()).toEqual([]);
    const elsewhere = await verifiedPerson(t, "Eli Elsewhere", `eli@sub.${org.domain}`);
    expect(await pendingInvitationsOf(elsewhere)).toEqual([]);
  });

  it("refuses automatic invitations until the organization has a verified member on the domain", async () => {
    const owner = await verifiedPerson(t, "Phil Phisher");
    const orgId = await personalOrg(owner);
    const claim = await owner.client.domains.add.mutate({ orgId, domain: freshDomain("victim") });
    expect(
      await failure(
        owner.client.domains.setEnrollment.mutate({ orgId, domainId: claim.id, enrollment: "suggestion" }),
      ),
    ).toMatchObject({ reason: "DOMAIN_NOT_VERIFIED" });
    dns.setTxt(claim.dnsRecord.name, [claim.dnsRecord.value]);
    await owner.client.domains.verify.mutate({ orgId, domainId: claim.id });
    expect(
      await failure(
        owner.client.domains.setEnrollment.mutate({ orgId, domainId: claim.id, enrollment: "invitation" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "DOMAIN_NEEDS_VERIFIED_MEMBER" });
    expect((await owner.client.domains.list.query({ orgId }))[0]).toMatchObject({ enrollment: "off" });
    const person = await verifiedPerson(t, "Vic Victim", `vic@${claim.domain}`);
    expect(await pendingInvitationsOf(person)).toEqual([]);
  });

  it("stops inviting when the last verified member on the domain is gone", async () => {
    const org = await orgOnDomain("gone", "invitation");
    // The owner moves to an address elsewhere; no member on the domain remains.
    await t.database.db
      .updateTable("users")
      .set({ email: `owner@moved-${counter}.example` })
      .where("id", "=", org.owner.user.id)
      .execute();
    const person = await verifiedPerson(t, "Gil Gone", `gil@${org.domain}`);
    expect(await pendingInvitationsOf(person)).toEqual([]);
  });

  it("does not invite past the seat limit, and the address is still confirmed", async () => {
    const org = await orgOnDomain("full", "invitation");
    await t.server.deps.db
      .updateTable("organizations")
      .set({ seat_limit: 1 })
      .where("id", "=", org.orgId)
      .execute();
    const person = await verifiedPerson(t, "Sam Seatless", `sam@${org.domain}`);
    expect((await person.client.auth.me.query())?.user.emailVerified).toBe(true);
    expect(await pendingInvitationsOf(person)).toEqual([]);
  });

  it("does not let an admin make newcomers owners or more than the admin is", async () => {
    const org = await orgOnDomain("role");
    expect(
      await failure(
        org.owner.client.domains.setEnrollment.mutate({
          orgId: org.orgId,
          domainId: org.domainId,
          enrollment: "invitation",
          defaultRole: "owner",
        }),
      ),
    ).toMatchObject({ reason: "VALIDATION" });
  });
});

describe("join requests", () => {
  it("suggests the organization, lets the person ask, tells admins, and approves with a role", async () => {
    const org = await orgOnDomain("sugg", "suggestion");
    const admin = await verifiedPerson(t, "Ada Approver");
    await addMember(t, org.owner, org.orgId, admin, "admin");
    const viewer = await verifiedPerson(t, "Vera Viewer");
    await addMember(t, org.owner, org.orgId, viewer, "viewer");
    const person = await verifiedPerson(t, "Rita Requester", `rita@${org.domain}`);

    expect(await pendingInvitationsOf(person)).toEqual([]);
    const [suggestion] = await person.client.joinRequests.suggestions.query();
    expect(suggestion).toMatchObject({ orgId: org.orgId, domain: org.domain, request: null });

    const request = await person.client.joinRequests.create.mutate({ orgId: org.orgId });
    expect(request).toMatchObject({ status: "pending", user: { id: person.user.id }, domain: org.domain });
    // Asking again answers the same request.
    expect(await person.client.joinRequests.create.mutate({ orgId: org.orgId })).toEqual(request);
    expect((await person.client.joinRequests.suggestions.query())[0]?.request?.id).toBe(request.id);

    // The owner and the admin hear of it; the viewer, who cannot add members, does not.
    for (const who of [org.owner, admin]) {
      expect((await t.mailTo(who.email)).map((m) => m.subject)).toContain(
        `Rita Requester asks to join ${suggestion!.name}`,
      );
    }
    expect((await t.mailTo(viewer.email)).some((m) => m.subject.includes("asks to join"))).toBe(false);
    const listed = await viewer.client.joinRequests.list.query({ orgId: org.orgId, status: "pending" });
    expect(listed.items.map((r) => r.id)).toEqual([request.id]);

    // A viewer cannot approve; an admin cannot approve as owner.
    expect(
      await failure(
        viewer.client.joinRequests.approve.mutate({
          orgId: org.orgId,
          requestId: request.id,
          role: "member",
        }),
      ),
    ).toMatchObject({ reason: "PERMISSION_DENIED" });
    const asOwner = await failure(
      admin.client.joinRequests.approve.mutate({ orgId: org.orgId, requestId: request.id, role: "owner" }),
    );
    expect(asOwner.code).toBe("FORBIDDEN");

    const approved = await admin.client.joinRequests.approve.mutate({
      orgId: org.orgId,
      requestId: request.id,
      role: "member",
    });
    expect(approved).toMatchObject({ status: "approved", role: "member" });
    expect((await person.client.orgs.list.query()).map((o) => o.id)).toContain(org.orgId);
    expect(await person.client.orgs.permissions.query({ orgId: org.orgId })).toMatchObject({
      role: "member",
    });
    expect((await t.mailTo(person.email)).map((m) => m.subject)).toContain(`You joined ${suggestion!.name}`);
    expect(await person.client.joinRequests.suggestions.query()).toEqual([]);

    const { items } = await org.owner.client.audit.list.query({ orgId: org.orgId });
    expect(items.map((i) => i.action).slice(0, 2)).toEqual(["join_request.approved", "join_request.created"]);
    // A host mirroring members hears of it as of any other newcomer.
    const { events } = await org.owner.client.events.list.query({
      orgId: org.orgId,
      types: ["membership.joined"],
    });
    expect(events.at(-1)).toMatchObject({
      type: "membership.joined",
      data: {
        member: { email: person.email },
        role: "member",
        via: "join_request",
        joinRequestId: request.id,
      },
    });
  });

  it("rejects and withdraws once, and only the person withdraws their request", async () => {
    const org = await orgOnDomain("rej", "suggestion");
    const a = await verifiedPerson(t, "Arno Rejected", `arno@${org.domain}`);
    const b = await verifiedPerson(t, "Bea Withdrawn", `bea@${org.domain}`);
    const ra = await a.client.joinRequests.create.mutate({ orgId: org.orgId });
    const rb = await b.client.joinRequests.create.mutate({ orgId: org.orgId });

    expect(await failure(a.client.joinRequests.withdraw.mutate({ requestId: rb.id }))).toMatchObject({
      reason: "JOIN_REQUEST_NOT_FOUND",
    });
    expect(
      await org.owner.client.joinRequests.reject.mutate({ orgId: org.orgId, requestId: ra.id }),
    ).toMatchObject({
      status: "rejected",
    });
    expect(
      await failure(
        org.owner.client.joinRequests.approve.mutate({ orgId: org.orgId, requestId: ra.id, role: "member" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "JOIN_REQUEST_CLOSED" });
    expect(await b.client.joinRequests.withdraw.mutate({ requestId: rb.id })).toMatchObject({
      status: "withdrawn",
    });
    expect(await failure(b.client.joinRequests.withdraw.mutate({ requestId: rb.id }))).toMatchObject({
      reason: "JOIN_REQUEST_CLOSED",
    });
    // A rejected person may ask again later.
    expect(await a.client.joinRequests.create.mutate({ orgId: org.orgId })).toMatchObject({
      status: "pending",
    });
  });

  it("finds no organization for people not on its suggestion domains", async () => {
    const org = await orgOnDomain("closed", "suggestion");
    const outsider = await verifiedPerson(t, "Olaf Outsider");
    expect(await failure(outsider.client.joinRequests.create.mutate({ orgId: org.orgId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "ORG_NOT_FOUND",
    });
    const unconfirmed = await t.signUp("Ursel Unconfirmed", `ursel@${org.domain}`);
    expect(await unconfirmed.client.joinRequests.suggestions.query()).toEqual([]);
    expect(await failure(unconfirmed.client.joinRequests.create.mutate({ orgId: org.orgId }))).toMatchObject({
      reason: "EMAIL_NOT_VERIFIED",
    });
    await org.owner.client.domains.setEnrollment.mutate({
      orgId: org.orgId,
      domainId: org.domainId,
      enrollment: "off",
    });
    const late = await verifiedPerson(t, "Lars Late", `lars@${org.domain}`);
    expect(await late.client.joinRequests.suggestions.query()).toEqual([]);
    expect(await failure(late.client.joinRequests.create.mutate({ orgId: org.orgId }))).toMatchObject({
      reason: "ORG_NOT_FOUND",
    });
    expect(await failure(org.owner.client.joinRequests.create.mutate({ orgId: org.orgId }))).toMatchObject({
      reason: "ALREADY_MEMBER",
    });
  });

  it("adds one membership when two admins approve the same request at once, within the seat limit", async () => {
    const org = await orgOnDomain("race", "suggestion");
    const admin = await verifiedPerson(t, "Rex Racer");
    await addMember(t, org.owner, org.orgId, admin, "admin");
    const person = await verifiedPerson(t, "Pia Pending", `pia@${org.domain}`);
    const request = await person.client.joinRequests.create.mutate({ orgId: org.orgId });
    const outcomes = await Promise.allSettled([
      org.owner.client.joinRequests.approve.mutate({
        orgId: org.orgId,
        requestId: request.id,
        role: "member",
      }),
      admin.client.joinRequests.approve.mutate({ orgId: org.orgId, requestId: request.id, role: "viewer" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(await failure(Promise.reject(refused.reason))).toMatchObject({ reason: "JOIN_REQUEST_CLOSED" });

    const second = await verifiedPerson(t, "Quin Quota", `quin@${org.domain}`);
    const r2 = await second.client.joinRequests.create.mutate({ orgId: org.orgId });
    await t.server.deps.db
      .updateTable("organizations")
      .set({ seat_limit: 3 })
      .where("id", "=", org.orgId)
      .execute();
    expect(
      await failure(
        org.owner.client.joinRequests.approve.mutate({ orgId: org.orgId, requestId: r2.id, role: "member" }),
      ),
    ).toMatchObject({ reason: "SEAT_LIMIT" });
    expect(
      await t.database.db
        .selectFrom("join_requests")
        .select("status")
        .where("id", "=", r2.id)
        .executeTakeFirst(),
    ).toEqual({ status: "pending" });
  });
});
