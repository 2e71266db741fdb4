import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CHECK_FAILURES, recheckDueDomains } from "../src/domain/domain-checks.js";
import { MAX_DOMAINS_PER_ORG } from "../src/domain/domains.js";
import { startDnsServer, type TestDnsServer } from "./dns-server.js";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestServer({ DNS_SERVERS: dns.address, DOMAIN_RECHECK_HOURS: "24" });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

let counter = 0;
/** A domain no other test uses. */
const freshDomain = (stem: string) => `${stem}-${++counter}.example`;

async function orgWithOwner(name: string, email?: string): Promise<{ owner: SignedUpPerson; orgId: string }> {
  const owner = await verifiedPerson(t, name, email);
  return { owner, orgId: await personalOrg(owner) };
}

async function actions(owner: SignedUpPerson, orgId: string): Promise<string[]> {
  const { items } = await owner.client.audit.list.query({ orgId });
  return items.map((i) => i.action).reverse();
}

const domainRow = (id: string) =>
  t.database.db.selectFrom("org_domains").selectAll().where("id", "=", id).executeTakeFirst();

describe("verifying a domain by DNS", () => {
  it("answers the TXT record to publish, and verifies once the configured DNS server serves it", async () => {
    const { owner, orgId } = await orgWithOwner("Dora Dns");
    const name = freshDomain("dora");
    const added = await owner.client.domains.add.mutate({ orgId, domain: ` ${name.toUpperCase()}. ` });
    expect(added).toMatchObject({
      domain: name,
      status: "pending",
      verifiedAt: null,
      dnsRecord: { type: "TXT", name: `_roster-verification.${name}` },
    });
    expect(added.dnsRecord.value).toMatch(/^roster-verification=[0-9a-f]{32}$/);

    // Not published yet, then published with another organization's value: refused, nothing changes.
    expect(await failure(owner.client.domains.verify.mutate({ orgId, domainId: added.id }))).toMatchObject({
      code: "BAD_REQUEST",
      reason: "DOMAIN_NOT_VERIFIED",
    });
    dns.setTxt(added.dnsRecord.name, ["roster-verification=0123456789abcdef0123456789abcdef", "v=spf1 -all"]);
    expect(await failure(owner.client.domains.verify.mutate({ orgId, domainId: added.id }))).toMatchObject({
      reason: "DOMAIN_NOT_VERIFIED",
    });
    expect(await domainRow(added.id)).toMatchObject({ status: "pending", verified_at: null });

    dns.setTxt(added.dnsRecord.name, ["v=spf1 -all", added.dnsRecord.value]);
    const verified = await owner.client.domains.verify.mutate({ orgId, domainId: added.id, method: "dns" });
    expect(verified).toMatchObject({ status: "verified", verificationMethod: "dns" });
    expect(dns.asked).toContain(added.dnsRecord.name);
    // Again: the same answer, no second audit entry.
    await owner.client.domains.verify.mutate({ orgId, domainId: added.id });
    expect(await owner.client.domains.list.query({ orgId })).toEqual([verified]);
    expect((await actions(owner, orgId)).filter((a) => a.startsWith("domain."))).toEqual([
      "domain.added",
      "domain.verified",
    ]);
  });

  it("says DNS could not be asked when the server fails, and changes nothing", async () => {
    const { owner, orgId } = await orgWithOwner("Fay Fail");
    const added = await owner.client.domains.add.mutate({ orgId, domain: freshDomain("fay") });
    dns.setTxt(added.dnsRecord.name, [added.dnsRecord.value]);
    dns.fail(true);
    try {
      const refused = await failure(owner.client.domains.verify.mutate({ orgId, domainId: added.id }));
      expect(refused).toMatchObject({ reason: "DOMAIN_NOT_VERIFIED" });
      expect(refused.message).toMatch(/could not ask DNS/);
    } finally {
      dns.fail(false);
    }
    expect(await domainRow(added.id)).toMatchObject({ status: "pending" });
  });
});

describe("verifying a domain by an owner's address", () => {
  it("verifies for an owner whose confirmed address is on the domain, and for no one else", async () => {
    const name = freshDomain("olga");
    const { owner, orgId } = await orgWithOwner("Olga Owner", `olga@${name}`);
    const admin = await verifiedPerson(t, "Adam Admin", `adam@${name}`);
    await addMember(t, owner, orgId, admin, "admin");
    const added = await owner.client.domains.add.mutate({ orgId, domain: name });

    // An admin on the domain is not an owner; an owner elsewhere in another organization is no help.
    expect(
      await failure(admin.client.domains.verify.mutate({ orgId, domainId: added.id, method: "email" })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "DOMAIN_ADDRESS_REQUIRED" });
    expect(await domainRow(added.id)).toMatchObject({ status: "pending" });

    const verified = await owner.client.domains.verify.mutate({ orgId, domainId: added.id, method: "email" });
    expect(verified).toMatchObject({ status: "verified", verificationMethod: "email" });
  });

  it("does not count an owner whose address on the domain is not confirmed", async () => {
    const name = freshDomain("uma");
    const owner = await t.signUp("Uma Unconfirmed", `uma@${name}`);
    const orgId = await personalOrg(owner);
    const added = await owner.client.domains.add.mutate({ orgId, domain: name });
    expect(
      await failure(owner.client.domains.verify.mutate({ orgId, domainId: added.id, method: "email" })),
    ).toMatchObject({ reason: "DOMAIN_ADDRESS_REQUIRED" });
    // A subdomain's address does not prove the parent domain either.
    const sub = await verifiedPerson(t, "Sue Sub", `sue@eng.${freshDomain("sue")}`);
    const subOrg = await personalOrg(sub);
    const parent = sub.email.split("@eng.")[1]!;
    const claim = await sub.client.domains.add.mutate({ orgId: subOrg, domain: parent });
    expect(
      await failure(sub.client.domains.verify.mutate({ orgId: subOrg, domainId: claim.id, method: "email" })),
    ).toMatchObject({ reason: "DOMAIN_ADDRESS_REQUIRED" });
  });
});

describe("what can be claimed", () => {
  it("refuses public mail domains and what is not a domain name, adding nothing", async () => {
    const { owner, orgId } = await orgWithOwner("Pia Public");
    for (const domain of ["gmail.com", "GMail.com.", "outlook.com", "mail.yahoo.co.uk", "proton.me"]) {
      expect(await failure(owner.client.domains.add.mutate({ orgId, domain })), domain).toMatchObject({
        code: "BAD_REQUEST",
        reason: "PUBLIC_MAIL_DOMAIN",
      });
    }
    for (const domain of [
      "localhost",
      "127.0.0.1",
      "acme..com",
      "-acme.com",
      "acme.123",
      "a_b.com",
      `${"x".repeat(64)}.com`,
    ]) {
      expect(await failure(owner.client.domains.add.mutate({ orgId, domain })), domain).toMatchObject({
        reason: "INVALID_DOMAIN",
      });
    }
    expect(await owner.client.domains.list.query({ orgId })).toEqual([]);
  });

  it("stores international names in their ASCII form, once per organization", async () => {
    const { owner, orgId } = await orgWithOwner("Ivo Intl");
    const added = await owner.client.domains.add.mutate({ orgId, domain: `bücher-${++counter}.example` });
    expect(added.domain).toMatch(/^xn--bcher-.*\.example$/);
    expect(await failure(owner.client.domains.add.mutate({ orgId, domain: added.domain }))).toMatchObject({
      code: "CONFLICT",
      reason: "DOMAIN_ALREADY_ADDED",
    });
  });

  it(`holds at most ${MAX_DOMAINS_PER_ORG} domains per organization`, async () => {
    const { owner, orgId } = await orgWithOwner("Lena Limit");
    for (let i = 0; i < MAX_DOMAINS_PER_ORG; i++) {
      await owner.client.domains.add.mutate({ orgId, domain: freshDomain("lena") });
    }
    expect(
      await failure(owner.client.domains.add.mutate({ orgId, domain: freshDomain("lena") })),
    ).toMatchObject({ reason: "DOMAIN_LIMIT" });
  });
});

describe("one organization per domain", () => {
  it("refuses a domain another organization verified", async () => {
    const a = await orgWithOwner("Anna First");
    const b = await orgWithOwner("Bert Second");
    const name = freshDomain("shared");
    const claim = await a.owner.client.domains.add.mutate({ orgId: a.orgId, domain: name });
    dns.setTxt(claim.dnsRecord.name, [claim.dnsRecord.value]);
    await a.owner.client.domains.verify.mutate({ orgId: a.orgId, domainId: claim.id });
    expect(await failure(b.owner.client.domains.add.mutate({ orgId: b.orgId, domain: name }))).toMatchObject({
      code: "CONFLICT",
      reason: "DOMAIN_TAKEN",
    });
  });

  it("lets only one of two organizations verify a domain both publish records for at once", async () => {
    const a = await orgWithOwner("Cleo Racer");
    const b = await orgWithOwner("Dirk Racer");
    const name = freshDomain("raced");
    const claimA = await a.owner.client.domains.add.mutate({ orgId: a.orgId, domain: name });
    const claimB = await b.owner.client.domains.add.mutate({ orgId: b.orgId, domain: name });
    dns.setTxt(claimA.dnsRecord.name, [claimA.dnsRecord.value, claimB.dnsRecord.value]);
    const outcomes = await Promise.allSettled([
      a.owner.client.domains.verify.mutate({ orgId: a.orgId, domainId: claimA.id }),
      b.owner.client.domains.verify.mutate({ orgId: b.orgId, domainId: claimB.id }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(await failure(Promise.reject(refused.reason))).toMatchObject({ reason: "DOMAIN_TAKEN" });
    const verified = await t.database.db
      .selectFrom("org_domains")
      .select("org_id")
      .where("domain", "=", name)
      .where("status", "=", "verified")
      .execute();
    expect(verified).toHaveLength(1);
  });

  it("frees a removed domain for another organization, and audits the removal", async () => {
    const a = await orgWithOwner("Emil Leaver");
    const b = await orgWithOwner("Frida Taker");
    const name = freshDomain("freed");
    const claim = await a.owner.client.domains.add.mutate({ orgId: a.orgId, domain: name });
    dns.setTxt(claim.dnsRecord.name, [claim.dnsRecord.value]);
    await a.owner.client.domains.verify.mutate({ orgId: a.orgId, domainId: claim.id });
    await a.owner.client.domains.remove.mutate({ orgId: a.orgId, domainId: claim.id });
    expect(await a.owner.client.domains.list.query({ orgId: a.orgId })).toEqual([]);
    const { items } = await a.owner.client.audit.list.query({ orgId: a.orgId, action: "domain.removed" });
    expect(items[0]).toMatchObject({
      actor: { id: a.owner.user.id },
      targetId: claim.id,
      data: { domain: name, wasVerified: true },
    });
    const taken = await b.owner.client.domains.add.mutate({ orgId: b.orgId, domain: name });
    dns.setTxt(taken.dnsRecord.name, [taken.dnsRecord.value]);
    expect(await b.owner.client.domains.verify.mutate({ orgId: b.orgId, domainId: taken.id })).toMatchObject({
      status: "verified",
    });
  });
});

describe("checking verified domains again", () => {
  it("re-verifies on schedule while the record stays, and unverifies after repeated failures", async () => {
    const { owner, orgId } = await orgWithOwner("Gus Schedule");
    const claim = await owner.client.domains.add.mutate({ orgId, domain: freshDomain("gus") });
    dns.setTxt(claim.dnsRecord.name, [claim.dnsRecord.value]);
    await owner.client.domains.verify.mutate({ orgId, domainId: claim.id });
    const mine = async () =>
      (await recheckDueDomains(t.server.deps)).filter((o) => o.domain === claim.domain);

    expect(await mine()).toEqual([]); // not due yet
    t.clock.advance(24 * 3600);
    expect(await mine()).toEqual([{ domain: claim.domain, outcome: "reverified" }]);
    expect(await mine()).toEqual([]); // next one a day later

    dns.setTxt(claim.dnsRecord.name, []);
    t.clock.advance(24 * 3600);
    for (let i = 1; i < MAX_CHECK_FAILURES; i++) {
      expect(await mine()).toEqual([{ domain: claim.domain, outcome: "failed" }]);
      expect(await domainRow(claim.id)).toMatchObject({ status: "verified", check_failures: i });
      t.clock.advance(3600);
    }
    expect(await mine()).toEqual([{ domain: claim.domain, outcome: "unverified" }]);
    expect(await domainRow(claim.id)).toMatchObject({
      status: "pending",
      verified_at: null,
      next_check_at: null,
    });
    t.clock.advance(10 * 24 * 3600);
    expect(await mine()).toEqual([]); // an unverified domain is not checked

    expect((await actions(owner, orgId)).filter((a) => a.startsWith("domain."))).toEqual([
      "domain.added",
      "domain.verified",
      "domain.reverified",
      ...Array(MAX_CHECK_FAILURES - 1).fill("domain.check_failed"),
      "domain.unverified",
    ]);
    const { items } = await owner.client.audit.list.query({ orgId, action: "domain.unverified" });
    expect(items[0]).toMatchObject({
      actor: null,
      data: { domain: claim.domain, reason: "TXT record missing" },
    });
    // A host mirroring the organization hears of it from the server itself.
    const { events } = await owner.client.events.list.query({
      orgId,
      types: ["domain.verified", "domain.unverified"],
    });
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([
      [
        "domain.verified",
        { userId: owner.user.id },
        { domain: { id: claim.id, name: claim.domain }, method: "dns" },
      ],
      [
        "domain.unverified",
        null,
        {
          domain: { id: claim.id, name: claim.domain },
          failures: MAX_CHECK_FAILURES,
          reason: "TXT record missing",
        },
      ],
    ]);
  });

  it("keeps a domain proven by address while an owner on it remains", async () => {
    const name = freshDomain("hana");
    const { owner, orgId } = await orgWithOwner("Hana Address", `hana@${name}`);
    const claim = await owner.client.domains.add.mutate({ orgId, domain: name });
    await owner.client.domains.verify.mutate({ orgId, domainId: claim.id, method: "email" });
    t.clock.advance(24 * 3600);
    const outcomes = await recheckDueDomains(t.server.deps);
    expect(outcomes.filter((o) => o.domain === name)).toEqual([{ domain: name, outcome: "reverified" }]);
    // The owner moves to another address: the proof is gone.
    await t.database.db
      .updateTable("users")
      .set({ email: `hana@elsewhere-${counter}.example` })
      .where("id", "=", owner.user.id)
      .execute();
    t.clock.advance(24 * 3600);
    const after = await recheckDueDomains(t.server.deps);
    expect(after.filter((o) => o.domain === name)).toEqual([{ domain: name, outcome: "failed" }]);
  });

  it("lets two instances check at once without checking a domain twice", async () => {
    const { owner, orgId } = await orgWithOwner("Ines Instances");
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const claim = await owner.client.domains.add.mutate({ orgId, domain: freshDomain("ines") });
      dns.setTxt(claim.dnsRecord.name, [claim.dnsRecord.value]);
      await owner.client.domains.verify.mutate({ orgId, domainId: claim.id });
      names.push(claim.domain);
    }
    t.clock.advance(24 * 3600);
    const [one, two] = await Promise.all([
      recheckDueDomains(t.server.deps),
      recheckDueDomains(t.server.deps),
    ]);
    const checked = [...one!, ...two!].map((o) => o.domain).filter((d) => names.includes(d));
    expect(checked.sort()).toEqual([...names].sort());
  });
});
