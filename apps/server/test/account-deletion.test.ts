import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const userExists = async (id: string) =>
  (await t.database.db.selectFrom("users").select("id").where("id", "=", id).executeTakeFirst()) !==
  undefined;

const activeOwners = async (orgId: string) =>
  (
    await t.database.db
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where("role", "=", "owner")
      .where("status", "=", "active")
      .execute()
  ).map((r) => r.user_id);

describe("auth.deleteAccount", () => {
  it("asks for the typed address and the password, and changes nothing when either is wrong", async () => {
    const ada = await verifiedPerson(t, "Ada Wrong");
    expect(
      await failure(
        ada.client.auth.deleteAccount.mutate({
          confirmEmail: "someone@else.example",
          password: ada.password,
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", reason: "CONFIRMATION_MISMATCH" });
    expect(
      await failure(
        ada.client.auth.deleteAccount.mutate({ confirmEmail: ada.email, password: "not the password" }),
      ),
    ).toMatchObject({ reason: "INVALID_PASSWORD" });
    expect(await failure(ada.client.auth.deleteAccount.mutate({ confirmEmail: ada.email }))).toMatchObject({
      reason: "INVALID_PASSWORD",
    });
    expect(await userExists(ada.user.id)).toBe(true);
    expect((await ada.client.auth.me.query()).user.id).toBe(ada.user.id);
  });

  it("is refused with LAST_OWNER while the person is the last owner of an organization with others in it", async () => {
    const olga = await verifiedPerson(t, "Olga Last");
    const orgId = await personalOrg(olga);
    const mia = await verifiedPerson(t, "Mia Member");
    await addMember(t, olga, orgId, mia);
    const refused = await olga.client.auth.deleteAccount
      .mutate({ confirmEmail: olga.email, password: olga.password })
      .catch((error: { data: { code: string; reason: string; details?: unknown } }) => error.data);
    expect(refused).toMatchObject({
      code: "CONFLICT",
      reason: "LAST_OWNER",
      details: { organizations: [{ id: orgId }] },
    });
    expect(await userExists(olga.user.id)).toBe(true);
    expect(await activeOwners(orgId)).toEqual([olga.user.id]);

    // Once someone else owns it, the account goes and the organization stays with its new owner.
    await olga.client.members.updateRole.mutate({ orgId, userId: mia.user.id, role: "owner" });
    await olga.client.auth.deleteAccount.mutate({
      confirmEmail: olga.email.toUpperCase(),
      password: olga.password,
    });
    expect(await activeOwners(orgId)).toEqual([mia.user.id]);
  });

  it("deletes organizations it is alone in, leaves the others with its resources handed over, and ends its sessions at once", async () => {
    const owner = await verifiedPerson(t, "Nora Owner");
    const sharedOrg = await personalOrg(owner);
    const leo = await verifiedPerson(t, "Leo Leaving");
    const ownOrg = await personalOrg(leo);
    await addMember(t, owner, sharedOrg, leo);
    const cluster = await leo.client.resources.register.mutate({
      orgId: sharedOrg,
      type: "cluster",
      name: "leo-gpu",
    });

    const result = await leo.client.auth.deleteAccount.mutate({
      confirmEmail: leo.email,
      password: leo.password,
    });
    expect(result).toEqual({ deletedOrganizations: [ownOrg], leftOrganizations: [sharedOrg] });

    expect(await userExists(leo.user.id)).toBe(false);
    expect(await failure(leo.client.auth.me.query())).toMatchObject({ code: "UNAUTHORIZED" });
    expect(
      await failure(t.client().auth.signIn.mutate({ email: leo.email, password: leo.password })),
    ).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    const orgs = await t.database.db
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", ownOrg)
      .execute();
    expect(orgs).toEqual([]);
    const resource = await t.database.db
      .selectFrom("resources")
      .select("owner_id")
      .where("id", "=", cluster.id)
      .executeTakeFirstOrThrow();
    expect(resource.owner_id).toBe(owner.user.id);

    const audit = await owner.client.audit.list.query({ orgId: sharedOrg, action: "member.left" });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ targetId: leo.user.id, data: { transferTo: owner.user.id } });
    const deployment = await t.database.db
      .selectFrom("deployment_audit_events")
      .select(["org_id", "action"])
      .where("action", "in", ["account.deleted", "organization.deleted"])
      .where("org_id", "in", [sharedOrg, ownOrg])
      .orderBy("org_id")
      .execute();
    expect(deployment.map((d) => [d.org_id, d.action]).sort()).toEqual(
      [
        [sharedOrg, "account.deleted"],
        [ownOrg, "organization.deleted"],
      ].sort(),
    );
  });

  it("keeps an owner when the organization's two owners delete their accounts at the same time", async () => {
    const first = await verifiedPerson(t, "Race One");
    const orgId = await personalOrg(first);
    const second = await verifiedPerson(t, "Race Two");
    await addMember(t, first, orgId, second);
    await first.client.members.updateRole.mutate({ orgId, userId: second.user.id, role: "owner" });
    const third = await verifiedPerson(t, "Race Member");
    await addMember(t, first, orgId, third);

    const gate = t.holdLock("owners");
    const one = first.client.auth.deleteAccount.mutate({
      confirmEmail: first.email,
      password: first.password,
    });
    await gate.held;
    const two = second.client.auth.deleteAccount.mutate({
      confirmEmail: second.email,
      password: second.password,
    });
    expect(await gate.contended()).toBe("waiting");
    gate.release();
    const outcomes = await Promise.allSettled([one, two]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason.data.reason).toBe("LAST_OWNER");
    expect(await activeOwners(orgId)).toHaveLength(1);
  });
});
