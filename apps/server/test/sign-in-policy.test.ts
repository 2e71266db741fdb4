import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../src/auth/sessions.js";
import { loadOrgAccess } from "../src/domain/access.js";
import {
  failure,
  PASSWORD,
  refusal,
  type SignedUpPerson,
  startTestServer,
  type TestServer,
} from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

/** A session for `person` as another way of signing in makes it (social sign-in, for instance). */
async function sessionSignedInWith(person: SignedUpPerson, authMethod: string) {
  const { token } = await createSession(
    t.database.db,
    person.user.id,
    t.clock(),
    { userAgent: null, ip: null },
    { authMethod },
  );
  return t.client(token);
}

/** An owner's organization with `member` in it (as `role`). */
async function orgWith(owner: SignedUpPerson, member: SignedUpPerson, role = "member") {
  const orgId = await personalOrg(owner);
  await addMember(t, owner, orgId, member, role);
  return orgId;
}

const signInAgain = (person: SignedUpPerson) =>
  t.client().auth.signIn.mutate({ email: person.email, password: PASSWORD });

describe("an organization's sign-in policy", () => {
  it("is set by managers only, within bounds, and audited; bad input changes nothing", async () => {
    const owner = await verifiedPerson(t, "Bounds Owner");
    const member = await verifiedPerson(t, "Bounds Member");
    const orgId = await orgWith(owner, member);
    expect(
      (await failure(member.client.orgs.setSignInPolicy.mutate({ orgId, sessionMaxAgeMinutes: 60 }))).reason,
    ).toBe("PERMISSION_DENIED");
    const bad = [
      { sessionMaxAgeMinutes: 14 },
      { sessionMaxAgeMinutes: 90 * 24 * 60 + 1 },
      { sessionMaxAgeMinutes: 60.5 },
      { idleTimeoutMinutes: 4 },
      { idleTimeoutMinutes: 30 * 24 * 60 + 1 },
      { allowedSignInMethods: [] },
      { allowedSignInMethods: ["fax"] },
    ];
    for (const input of bad) {
      const refused = await failure(
        owner.client.orgs.setSignInPolicy.mutate({ orgId, ...input } as { orgId: string }),
      );
      expect(refused.reason, JSON.stringify(input)).toBe("VALIDATION");
    }
    expect(await owner.client.orgs.get.query({ orgId })).toMatchObject({
      sessionMaxAgeMinutes: null,
      idleTimeoutMinutes: null,
      allowedSignInMethods: null,
    });

    const set = await owner.client.orgs.setSignInPolicy.mutate({
      orgId,
      sessionMaxAgeMinutes: 90 * 24 * 60,
      idleTimeoutMinutes: 5,
      allowedSignInMethods: ["passkey", "password", "google"],
    });
    expect(set).toEqual({
      sessionMaxAgeMinutes: 90 * 24 * 60,
      idleTimeoutMinutes: 5,
      allowedSignInMethods: ["password", "passkey", "google"],
      signInAgain: false,
    });
    // Left out: kept. Null: no limit again.
    await owner.client.orgs.setSignInPolicy.mutate({ orgId, idleTimeoutMinutes: null });
    expect(await owner.client.orgs.get.query({ orgId })).toMatchObject({
      sessionMaxAgeMinutes: 90 * 24 * 60,
      idleTimeoutMinutes: null,
      allowedSignInMethods: ["password", "passkey", "google"],
    });
    const audit = await owner.client.audit.list.query({ orgId, action: "org.updated" });
    expect(audit.items[0]).toMatchObject({
      data: { changed: ["idleTimeoutMinutes"], idleTimeoutMinutes: null },
    });
  });

  it("refuses a session older than the lifetime in that organization only, until signed in again", async () => {
    const owner = await verifiedPerson(t, "Lifetime Owner");
    const member = await verifiedPerson(t, "Lifetime Member");
    const orgId = await orgWith(owner, member);
    const elsewhere = await personalOrg(member);
    await owner.client.orgs.setSignInPolicy.mutate({ orgId, sessionMaxAgeMinutes: 60 });

    t.clock.advance(59 * 60);
    expect((await member.client.orgs.get.query({ orgId })).id).toBe(orgId);
    t.clock.advance(2 * 60);
    const refused = await refusal(member.client.members.list.query({ orgId }));
    expect(refused).toEqual({
      reason: "SESSION_POLICY_EXPIRED",
      details: { limit: "lifetime", minutes: 60 },
    });
    // The session still works everywhere else.
    expect((await member.client.orgs.get.query({ orgId: elsewhere })).id).toBe(elsewhere);
    expect((await member.client.auth.me.query()).user.id).toBe(member.user.id);
    // Signing in again makes a session the organization accepts.
    const again = await signInAgain(member);
    expect((await t.client(again.token).orgs.get.query({ orgId })).id).toBe(orgId);
  });

  it("refuses a session that paused longer than the idle timeout, even once it is used elsewhere", async () => {
    const owner = await verifiedPerson(t, "Idle Owner");
    const member = await verifiedPerson(t, "Idle Member");
    const orgId = await orgWith(owner, member);
    const elsewhere = await personalOrg(member);
    await owner.client.orgs.setSignInPolicy.mutate({ orgId, idleTimeoutMinutes: 30 });

    // Used every 20 minutes: never idle for 30.
    for (let i = 0; i < 4; i++) {
      t.clock.advance(20 * 60);
      expect((await member.client.orgs.get.query({ orgId })).id).toBe(orgId);
      await t.server.settle();
    }
    t.clock.advance(31 * 60);
    // Used first where no limit applies: the pause is still seen by the organization that has one.
    expect((await member.client.orgs.get.query({ orgId: elsewhere })).id).toBe(elsewhere);
    await t.server.settle();
    expect(await refusal(member.client.orgs.get.query({ orgId }))).toEqual({
      reason: "SESSION_POLICY_EXPIRED",
      details: { limit: "idle", minutes: 30 },
    });
    await t.server.settle();
    t.clock.advance(60);
    expect((await refusal(member.client.orgs.get.query({ orgId }))).reason).toBe("SESSION_POLICY_EXPIRED");
    const stored = await t.database.db
      .selectFrom("sessions")
      .select("longest_idle_seconds")
      .where("user_id", "=", member.user.id)
      .executeTakeFirstOrThrow();
    expect(stored.longest_idle_seconds).toBeGreaterThanOrEqual(31 * 60);

    const again = await signInAgain(member);
    expect((await t.client(again.token).orgs.get.query({ orgId })).id).toBe(orgId);
    // A member held back may still leave.
    await member.client.members.leave.mutate({ orgId });
  });

  it("refuses members signed in a way it does not accept, names the accepted ones, and spares owners", async () => {
    const owner = await verifiedPerson(t, "Methods Owner");
    const member = await verifiedPerson(t, "Methods Member");
    const orgId = await orgWith(owner, member);
    const elsewhere = await personalOrg(member);
    await owner.client.orgs.setSignInPolicy.mutate({ orgId, allowedSignInMethods: ["password", "github"] });

    const viaGoogle = await sessionSignedInWith(member, "google");
    expect(await refusal(viaGoogle.orgs.get.query({ orgId }))).toEqual({
      reason: "SIGN_IN_METHOD_NOT_ALLOWED",
      details: { allowed: ["password", "github"] },
    });
    expect((await viaGoogle.orgs.get.query({ orgId: elsewhere })).id).toBe(elsewhere);
    expect((await (await sessionSignedInWith(member, "github")).orgs.get.query({ orgId })).id).toBe(orgId);
    // A second factor after the password is still a password sign-in.
    expect((await (await sessionSignedInWith(member, "password+totp")).orgs.get.query({ orgId })).id).toBe(
      orgId,
    );
    expect((await member.client.orgs.get.query({ orgId })).id).toBe(orgId);

    // The organization's owners are never locked out by the policy they set.
    const ownerViaGoogle = await sessionSignedInWith(owner, "google");
    expect((await ownerViaGoogle.orgs.get.query({ orgId })).id).toBe(orgId);
    // ...but cannot save a policy that leaves out the way they signed in.
    expect(
      await refusal(
        ownerViaGoogle.orgs.setSignInPolicy.mutate({ orgId, allowedSignInMethods: ["password"] }),
      ),
    ).toEqual({ reason: "POLICY_EXCLUDES_OWN_SIGN_IN", details: { method: "google" } });
    expect(
      (await refusal(owner.client.orgs.setSignInPolicy.mutate({ orgId, allowedSignInMethods: ["passkey"] })))
        .reason,
    ).toBe("POLICY_EXCLUDES_OWN_SIGN_IN");
    expect((await owner.client.orgs.get.query({ orgId })).allowedSignInMethods).toEqual([
      "password",
      "github",
    ]);

    // An admin is a member like any other here.
    const admin = await verifiedPerson(t, "Methods Admin");
    await addMember(t, owner, orgId, admin, "admin");
    const adminViaGoogle = await sessionSignedInWith(admin, "google");
    expect((await refusal(adminViaGoogle.orgs.get.query({ orgId }))).reason).toBe(
      "SIGN_IN_METHOD_NOT_ALLOWED",
    );
  });

  it("is read with the membership when the request's first call is about another organization", async () => {
    const owner = await verifiedPerson(t, "Loaded Owner");
    const member = await verifiedPerson(t, "Loaded Member");
    const orgId = await orgWith(owner, member);
    await owner.client.orgs.setSignInPolicy.mutate({
      orgId,
      allowedSignInMethods: ["password"],
      sessionMaxAgeMinutes: 15,
    });
    const actor = { userId: member.user.id, sessionId: null, ip: null, userAgent: null };
    const load = (method: string, ageSeconds: number) =>
      loadOrgAccess(t.server.deps, actor, orgId, "exempt", {
        method,
        ssoOrgId: null,
        ageSeconds,
        idleSeconds: 0,
      });
    expect((await load("password", 60)).role).toBe("member");
    await expect(load("google", 60)).rejects.toMatchObject({ reason: "SIGN_IN_METHOD_NOT_ALLOWED" });
    await expect(load("password", 16 * 60)).rejects.toMatchObject({ reason: "SESSION_POLICY_EXPIRED" });
  });

  it("tells a manager whose own session the new limits leave behind", async () => {
    const owner = await verifiedPerson(t, "Behind Owner");
    const orgId = await personalOrg(owner);
    t.clock.advance(3 * 60 * 60);
    const set = await owner.client.orgs.setSignInPolicy.mutate({ orgId, sessionMaxAgeMinutes: 60 });
    expect(set.signInAgain).toBe(true);
    expect((await refusal(owner.client.orgs.get.query({ orgId }))).reason).toBe("SESSION_POLICY_EXPIRED");
    const again = await signInAgain(owner);
    await t.client(again.token).orgs.setSignInPolicy.mutate({ orgId, sessionMaxAgeMinutes: null });
  });
});
