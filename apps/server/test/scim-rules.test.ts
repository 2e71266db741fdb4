import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, linkToken, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";
import { GROUP, oktaUser, PATCH_OP, type ScimClient, scimClient, USER } from "./scim-client.js";

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
  const { token } = await owner.client.scim.createToken.mutate({ orgId, name: "Okta" });
  return { owner, orgId, scim: scimClient(t.url, token), token, domain: `okta${counter}.example` };
}

const filter = (f: string) => encodeURIComponent(f);

describe("provisioning as Okta does", () => {
  it("creates, replaces, deactivates with a value object, and manages groups with members[value eq] paths", async () => {
    const { scim, domain, orgId, owner } = await directory("Olga Okta");
    const absent = await scim.get(
      `/Users?filter=${filter(`userName eq "okta1@${domain}"`)}&startIndex=1&count=100`,
    );
    expect(absent.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    const created = await scim.post("/Users", oktaUser(1, domain));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ displayName: "Okta1 Person", locale: "en-US", active: true });
    expect(created.body).not.toHaveProperty("password");

    // Okta's PUT sends the whole user.
    const replaced = await scim.put(`/Users/${id}`, { ...oktaUser(1, domain), id, displayName: "Okta One" });
    expect(replaced.body).toMatchObject({ displayName: "Okta One" });
    const member = (await owner.client.members.list.query({ orgId })).items.find(
      (m) => "userId" in m && m.userId === id,
    );
    expect(member).toMatchObject({ name: "Okta One" });

    // Okta deactivates with a replace of a value object.
    const off = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(off.body.active).toBe(false);
    const on = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: true } }],
    });
    expect(on.body.active).toBe(true);

    const second = await scim.post("/Users", oktaUser(2, domain));
    const group = await scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Okta Group",
      members: [{ value: id, display: `okta1@${domain}` }],
    });
    expect(group.status).toBe(201);
    expect(group.body.members).toEqual([expect.objectContaining({ value: id })]);
    const gid = group.body.id as string;
    await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { id: gid, displayName: "Okta Renamed" } }],
    });
    await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: second.body.id, display: "okta2" }] }],
    });
    await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "remove", path: `members[value eq "${id}"]` }],
    });
    const after = await scim.get(`/Groups/${gid}`);
    expect(after.body).toMatchObject({ displayName: "Okta Renamed", members: [{ value: second.body.id }] });
    const put = await scim.put(`/Groups/${gid}`, { schemas: [GROUP], displayName: "Okta Put", members: [] });
    expect(put.body).toMatchObject({ displayName: "Okta Put", members: [] });
    expect((await scim.delete(`/Groups/${gid}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).status).toBe(404);
  });

  it("lets a provisioned person set a password through Forgot password and sign in to the organization", async () => {
    const { scim, domain, orgId } = await directory("Sam Setpass");
    await scim.post("/Users", oktaUser(9, domain));
    const email = `okta9@${domain}`;
    await t.client().auth.requestPasswordReset.mutate({ email });
    const mail = (await t.mailTo(email)).find((m) => m.text.includes("/reset-password/"));
    expect(mail).toBeDefined();
    await t.client().auth.resetPassword.mutate({
      token: linkToken(mail?.text ?? "", "/reset-password/"),
      password: "a brand new passphrase",
    });
    const { token } = await t.client().auth.signIn.mutate({ email, password: "a brand new passphrase" });
    const orgs = await t.client(token).orgs.list.query();
    expect(orgs.map((o) => o.id)).toContain(orgId);
  });
});

describe("SCIM refusals", () => {
  it("answers SCIM error bodies for a bad token, bad filters, unknown ids, duplicates and bad input", async () => {
    const { scim, domain, token, owner, orgId } = await directory("Rita Refusals");
    const anonymous = await scimClient(t.url, null).get("/Users");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({
      status: "401",
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    });
    expect((await scimClient(t.url, `${token}x`).get("/Users")).status).toBe(401);
    // The right id with a wrong secret.
    const forged = `${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`;
    expect((await scimClient(t.url, forged).get("/Users")).status).toBe(401);

    const bad = await scim.get(`/Users?filter=${filter('userName eq "unclosed')}`);
    expect(bad.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
    const unsupported = await scim.get(`/Users?filter=${filter('title co "x"')}`);
    expect(unsupported.body).toMatchObject({ status: "400", scimType: "invalidFilter" });

    expect((await scim.get("/Users/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await scim.get("/Users/not-a-uuid")).status).toBe(404);
    expect((await scim.get("/Groups/00000000-0000-4000-8000-000000000000")).status).toBe(404);

    await scim.post("/Users", oktaUser(1, domain));
    const duplicate = await scim.post("/Users", { ...oktaUser(1, domain), externalId: "other" });
    expect(duplicate.body).toMatchObject({ status: "409", scimType: "uniqueness" });
    const sameExternal = await scim.post("/Users", {
      ...oktaUser(2, domain),
      externalId: oktaUser(1, domain).externalId,
    });
    expect(sameExternal.body).toMatchObject({ status: "409", scimType: "uniqueness" });
    // The owner is a member already: provisioning their address is a conflict, not a second membership.
    const ownerAgain = await scim.post("/Users", { schemas: [USER], userName: owner.email });
    expect(ownerAgain.body).toMatchObject({ status: "409", scimType: "uniqueness" });

    const noName = await scim.post("/Users", { schemas: [USER], emails: [{ value: "x@y.example" }] });
    expect(noName.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const noEmail = await scim.post("/Users", { schemas: [USER], userName: "not-an-address" });
    expect(noEmail.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const badActive = await scim.post("/Users", { ...oktaUser(3, domain), active: "maybe" });
    expect(badActive.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const badOp = await scim.patch(`/Users/${owner.user.id}`, {
      Operations: [{ op: "move", path: "active" }],
    });
    expect(badOp.body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    const notJson = await fetch(`${t.url}/scim/v2/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    // Nothing of the refused requests was written.
    const provisioned = await t.database.db
      .selectFrom("scim_users")
      .select("user_id")
      .where("org_id", "=", orgId)
      .execute();
    expect(provisioned).toHaveLength(1);
  });

  it("serves ServiceProviderConfig, Schemas and ResourceTypes as application/scim+json", async () => {
    const { scim } = await directory("Dee Discovery");
    const config = await scim.get("/ServiceProviderConfig");
    expect(config.contentType).toContain("application/scim+json");
    expect(config.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      bulk: { supported: false },
    });
    const schemas = await scim.get("/Schemas");
    expect(schemas.body.Resources?.map((s) => s.id)).toContain("urn:ietf:params:scim:schemas:core:2.0:User");
    const types = await scim.get("/ResourceTypes");
    expect(types.body.Resources?.map((r) => r.endpoint)).toEqual(["/Users", "/Groups"]);
    expect((await scim.get("/ResourceTypes/Group")).body).toMatchObject({ schema: GROUP });
  });
});

describe("the organization's invariants under provisioning", () => {
  it("never deactivates or removes the last owner", async () => {
    const { scim, owner, orgId } = await directory("Olive Owner");
    const off = await scim.patch(`/Users/${owner.user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(off.body).toMatchObject({ status: "409", scimType: "mutability" });
    const removed = await scim.delete(`/Users/${owner.user.id}`);
    expect(removed.body).toMatchObject({ status: "409" });
    expect(removed.body.detail).toContain("owner");
    expect((await owner.client.orgs.get.query({ orgId })).role).toBe("owner");
  });

  it("hands a deleted user's resources to an owner", async () => {
    const { scim, owner, orgId, domain } = await directory("Hana Handover");
    const bob = await verifiedPerson(t, "Bob Builder", `bob@${domain}`);
    const created = await scim.post("/Users", oktaUser(1, domain));
    expect(created.status).toBe(201);
    await addMember(t, owner, orgId, bob);
    await owner.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    const resource = await bob.client.resources.register.mutate({ orgId, type: "cluster", name: "bobs" });
    expect((await scim.delete(`/Users/${bob.user.id}`)).status).toBe(204);
    const after = await owner.client.resources.get.query({ orgId, resourceId: resource.id });
    expect(after.owner?.id).toBe(owner.user.id);
  });

  it("holds the seat limit when an identity provider provisions in parallel", async () => {
    const { scim, orgId, domain } = await directory("Sid Seats");
    await t.database.db.updateTable("organizations").set({ seat_limit: 4 }).where("id", "=", orgId).execute();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) => scim.post("/Users", oktaUser(n, domain))),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(created).toHaveLength(3);
    for (const r of refused) {
      expect(r.body).toMatchObject({ status: "409", "urn:roster:scim:error": { reason: "SEAT_LIMIT" } });
    }
    const seats = await t.database.db
      .selectFrom("memberships")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(Number(seats.n)).toBe(4);
  });
});

describe("parallel PATCHes", () => {
  it("each build on the last: members added to one group at the same time all stay", async () => {
    const { scim, domain } = await directory("Pam Parallel");
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) ids.push((await scim.post("/Users", oktaUser(n, domain))).body.id as string);
    const group = await scim.post("/Groups", { schemas: [GROUP], displayName: "Parallel", members: [] });
    const answers = await Promise.all(
      ids.map((value) =>
        scim.patch(`/Groups/${group.body.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "Add", path: "members", value: [{ value }] }],
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 204));
    const members = (await scim.get(`/Groups/${group.body.id}`)).body.members as { value: string }[];
    expect(members.map((m) => m.value).sort()).toEqual([...ids].sort());
  });
});

describe("a token from another organization", () => {
  it("never sees or changes this organization's users and groups", async () => {
    const alpha = await directory("Alpha Admin");
    const beta = await directory("Beta Admin");
    const user = await alpha.scim.post("/Users", oktaUser(1, alpha.domain));
    const group = await alpha.scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Alpha Team",
      members: [],
    });
    const uid = user.body.id as string;
    const gid = group.body.id as string;
    expect((await beta.scim.get(`/Users/${uid}`)).status).toBe(404);
    expect(
      (await beta.scim.get(`/Users?filter=${filter(`userName eq "okta1@${alpha.domain}"`)}`)).body
        .totalResults,
    ).toBe(0);
    expect((await beta.scim.get(`/Users?filter=${filter(`id eq "${uid}"`)}`)).body.totalResults).toBe(0);
    expect((await beta.scim.get("/Users")).body.Resources?.map((r) => r.id)).not.toContain(uid);
    expect(
      (await beta.scim.patch(`/Users/${uid}`, { Operations: [{ op: "replace", value: { active: false } }] }))
        .status,
    ).toBe(404);
    expect((await beta.scim.put(`/Users/${uid}`, oktaUser(1, alpha.domain))).status).toBe(404);
    expect((await beta.scim.delete(`/Users/${uid}`)).status).toBe(404);
    expect((await beta.scim.get(`/Groups/${gid}`)).status).toBe(404);
    expect((await beta.scim.delete(`/Groups/${gid}`)).status).toBe(404);
    // Beta's group cannot take Alpha's user in either.
    const betaGroup = await beta.scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Beta",
      members: [{ value: uid }],
    });
    expect(betaGroup.status).toBe(404);
    expect((await alpha.scim.get(`/Users/${uid}`)).body.active).toBe(true);
    expect((await alpha.scim.get(`/Groups/${gid}`)).status).toBe(200);
  });

  it("stops working once revoked, and only scim:manage may create or revoke tokens", async () => {
    const { owner, orgId, domain, scim } = await directory("Vic Revoke");
    const { tokens } = await owner.client.scim.get.query({ orgId });
    expect(tokens[0]?.masked).toMatch(/^rsc_[a-z2-9]{24}_•+[a-z2-9]{4}$/);
    await owner.client.scim.revokeToken.mutate({ orgId, tokenId: tokens[0]?.id ?? "" });
    expect((await scim.get("/Users")).status).toBe(401);
    const viewer = await verifiedPerson(t, "Vera Viewer", `vera@${domain}`);
    await addMember(t, owner, orgId, viewer, "viewer");
    expect(await failure(viewer.client.scim.createToken.mutate({ orgId, name: "Mine" }))).toMatchObject({
      reason: "PERMISSION_DENIED",
    });
    const stored = await t.database.db
      .selectFrom("scim_tokens")
      .select("secret_hash")
      .where("org_id", "=", orgId)
      .execute();
    expect(stored[0]?.secret_hash).toHaveLength(32);
    expect(await failure(owner.client.scim.setDefaultRole.mutate({ orgId, role: "owner" }))).toMatchObject({
      reason: "OWNER_NOT_PROVISIONABLE",
    });
  });
});

describe("groups mapped to roles", () => {
  it("gives members of a mapped group its role, and the default role back when they leave it", async () => {
    const { scim, owner, orgId, domain } = await directory("Gus Groups");
    await owner.client.scim.setDefaultRole.mutate({ orgId, role: "viewer" });
    const a = await scim.post("/Users", oktaUser(1, domain));
    const b = await scim.post("/Users", oktaUser(2, domain));
    const role = async (id: unknown) =>
      (
        await t.database.db
          .selectFrom("memberships")
          .select("role")
          .where("org_id", "=", orgId)
          .where("user_id", "=", String(id))
          .executeTakeFirstOrThrow()
      ).role;
    expect(await role(a.body.id)).toBe("viewer");
    const group = await scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Admins",
      members: [{ value: a.body.id }],
    });
    await owner.client.scim.mapGroupRole.mutate({ orgId, groupId: group.body.id as string, role: "admin" });
    expect(await role(a.body.id)).toBe("admin");
    await scim.patch(`/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: b.body.id }] }],
    });
    expect(await role(b.body.id)).toBe("admin");
    await scim.patch(`/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "remove", path: `members[value eq "${a.body.id}"]` }],
    });
    expect(await role(a.body.id)).toBe("viewer");
    expect(
      await failure(
        owner.client.scim.mapGroupRole.mutate({ orgId, groupId: group.body.id as string, role: "owner" }),
      ),
    ).toMatchObject({
      reason: "OWNER_NOT_PROVISIONABLE",
    });
    const view = await owner.client.scim.get.query({ orgId });
    expect(view.groups).toEqual([
      expect.objectContaining({ name: "Admins", role: "admin", provisioned: true }),
    ]);
    // The owner's role never follows a group.
    await scim.patch(`/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: owner.user.id }] }],
    });
    expect(await role(owner.user.id)).toBe("owner");
  });
});
