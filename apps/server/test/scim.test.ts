import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";
import { ENTERPRISE, entraUser, GROUP, PATCH_OP, type ScimClient, scimClient } from "./scim-client.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

let counter = 0;
async function directory(
  name: string,
): Promise<{ owner: SignedUpPerson; orgId: string; scim: ScimClient; token: string; domain: string }> {
  counter += 1;
  const owner = await verifiedPerson(t, name);
  const orgId = await personalOrg(owner);
  const { token } = await owner.client.scim.createToken.mutate({ orgId, name: "Entra" });
  return { owner, orgId, scim: scimClient(t.url, token), token, domain: `corp${counter}.example` };
}

const auditCount = async (orgId: string, action: string) =>
  Number(
    (
      await t.database.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("org_id", "=", orgId)
        .where("action", "=", action)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function eventTypes(owner: SignedUpPerson, orgId: string): Promise<string[]> {
  const types: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await owner.client.events.list.query({ orgId, ...(after ? { after } : {}), limit: 100 });
    types.push(...page.events.map((e) => e.type));
    if (page.events.length === 0 || page.cursor === after) break;
    after = page.cursor ?? undefined;
  }
  return types;
}

describe("provisioning as Microsoft Entra does", () => {
  it("provisions 50 users and 3 groups, deactivates one (their session loses the organization at once) and deletes one; the audit log and events show each change", async () => {
    const { owner, orgId, scim, domain } = await directory("Erin Entra");
    // One of the people already has an account (signed up on their own): provisioning joins it.
    const dana = await verifiedPerson(t, "Dana Existing", `user0@${domain}`);

    const ids: string[] = [];
    for (let n = 0; n < 50; n++) {
      // Entra asks first whether the user exists, then creates them.
      const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "user${n}@${domain}"`)}`);
      expect(found.status).toBe(200);
      expect(found.contentType).toContain("application/scim+json");
      expect(found.body).toMatchObject({ totalResults: 0, Resources: [] });
      const created = await scim.post("/Users", entraUser(n, domain));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        userName: `user${n}@${domain}`,
        active: true,
        externalId: `entra-${n}`,
      });
      ids.push(created.body.id as string);
    }
    expect(ids[0]).toBe(dana.user.id);

    // Entra reads back by id and by externalId, and finds by its work address.
    const byId = await scim.get(`/Users/${ids[7]}`);
    expect(byId.body).toMatchObject({
      id: ids[7],
      name: { givenName: "Given7", familyName: "Family7" },
      [ENTERPRISE]: { department: "Engineering" },
      meta: { resourceType: "User" },
    });
    const byExternal = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "entra-7"')}`);
    expect(byExternal.body.Resources?.map((r) => r.id)).toEqual([ids[7]]);
    const byEmail = await scim.get(
      `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "USER8@${domain}"`)}`,
    );
    expect(byEmail.body.Resources?.map((r) => r.id)).toEqual([ids[8]]);

    // Paging: startIndex and count over all 51 people (the owner too).
    const firstPage = await scim.get("/Users?startIndex=1&count=20");
    const lastPage = await scim.get("/Users?startIndex=41&count=20");
    expect(firstPage.body).toMatchObject({ totalResults: 51, itemsPerPage: 20, startIndex: 1 });
    expect(lastPage.body).toMatchObject({ totalResults: 51, itemsPerPage: 11, startIndex: 41 });

    // Three groups, created empty and filled by Add operations as Entra sends them.
    const groupIds: string[] = [];
    for (const [g, name] of ["Engineering", "Sales", "Admins"].entries()) {
      const exists = await scim.get(
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`,
      );
      expect(exists.body.totalResults).toBe(0);
      const group = await scim.post("/Groups", {
        schemas: [GROUP],
        externalId: `group-${g}`,
        displayName: name,
        meta: { resourceType: "Group" },
        members: [],
      });
      expect(group.status, JSON.stringify(group.body)).toBe(201);
      groupIds.push(group.body.id as string);
      const members = ids.slice(g * 10, g * 10 + 10).map((value) => ({ value }));
      const added = await scim.patch(`/Groups/${group.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Add", path: "members", value: members }],
      });
      expect(added.status, JSON.stringify(added.body)).toBe(204);
    }
    const engineering = await scim.get(`/Groups/${groupIds[0]}`);
    expect((engineering.body.members as unknown[]).length).toBe(10);

    // Entra removes a member by listing it as the value of a Remove.
    await scim.patch(`/Groups/${groupIds[0]}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Remove", path: "members", value: [{ value: ids[9] }] }],
    });
    expect(((await scim.get(`/Groups/${groupIds[0]}`)).body.members as unknown[]).length).toBe(9);

    // Attribute updates as Entra sends them.
    const renamed = await scim.patch(`/Users/${ids[3]}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "Replace", path: 'emails[type eq "work"].value', value: `renamed3@${domain}` },
        { op: "Replace", path: "name.familyName", value: "Updated" },
      ],
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({
      emails: [{ value: `renamed3@${domain}`, type: "work" }],
      name: { familyName: "Updated" },
    });

    // Dana is signed in; Entra disables her with its "False" string.
    expect((await dana.client.orgs.get.query({ orgId })).id).toBe(orgId);
    const disabled = await scim.patch(`/Users/${dana.user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(disabled.body.active).toBe(false);
    expect(await failure(dana.client.orgs.get.query({ orgId }))).toMatchObject({
      reason: "MEMBERSHIP_DEACTIVATED",
    });
    const listed = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "user0@${domain}"`)}`);
    expect(listed.body.Resources?.[0]).toMatchObject({ active: false });

    // Entra's Replace without a path, a value object, brings someone back.
    const back = await scim.patch(`/Users/${ids[5]}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", value: { active: false, "name.givenName": "Five" } }],
    });
    expect(back.body).toMatchObject({ active: false, name: { givenName: "Five" } });
    await scim.patch(`/Users/${ids[5]}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", value: { active: "True" } }],
    });
    expect((await scim.get(`/Users/${ids[5]}`)).body.active).toBe(true);

    // A hard delete removes the membership.
    expect((await scim.delete(`/Users/${ids[49]}`)).status).toBe(204);
    const gone = await scim.get(`/Users/${ids[49]}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });

    // Each change is in the audit log, made by the token, and in the events feed.
    expect(await auditCount(orgId, "member.provisioned")).toBe(50);
    expect(await auditCount(orgId, "group.created")).toBe(3);
    expect(await auditCount(orgId, "group.member_added")).toBe(30);
    expect(await auditCount(orgId, "group.member_removed")).toBe(1);
    expect(await auditCount(orgId, "member.deactivated")).toBe(2);
    expect(await auditCount(orgId, "member.reactivated")).toBe(1);
    expect(await auditCount(orgId, "member.removed")).toBe(1);
    const { items } = await owner.client.audit.list.query({ orgId, action: "member.deactivated" });
    expect(items[1]).toMatchObject({ targetId: dana.user.id, actor: { name: "SCIM: Entra" } });
    const types = await eventTypes(owner, orgId);
    const count = (type: string) => types.filter((x) => x === type).length;
    expect(count("membership.joined")).toBe(51);
    expect(count("group.created")).toBe(3);
    expect(count("group_member.added")).toBe(30);
    expect(count("membership.deactivated")).toBe(2);
    expect(count("membership.reactivated")).toBe(1);
    expect(count("membership.removed")).toBe(1);
    expect(count("scim_user.updated")).toBeGreaterThanOrEqual(2);

    // The owner remains, and every seat is counted.
    const org = await owner.client.orgs.get.query({ orgId });
    expect(org.role).toBe("owner");
    const members = await t.database.db
      .selectFrom("memberships")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(Number(members.n)).toBe(50);
  }, 240_000);
});
