import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode, totpStep } from "../src/auth/totp.js";
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

/** The code an authenticator app with `secret` shows now (or `offset` steps from now). */
const codeFor = (secret: string, offset = 0) =>
  totpCode(decodeBase32IgnorePadding(secret), totpStep(t.clock()) + offset);

/** Enrolls an authenticator app for `person`; answers its secret and the recovery codes. */
async function enrollTotp(person: SignedUpPerson) {
  const { secret } = await person.client.twoFactor.startTotp.mutate();
  const { recoveryCodes } = await person.client.twoFactor.confirmTotp.mutate({ code: codeFor(secret) });
  // The code just used is spent: later steps of the test start from the next time step.
  t.clock.advance(30);
  return { secret, recoveryCodes };
}

/** The password step; answers the pending sign-in's token. */
async function passwordStep(person: SignedUpPerson): Promise<{ pendingToken: string; methods: string[] }> {
  const refused = await refusal(t.client().auth.signIn.mutate({ email: person.email, password: PASSWORD }));
  expect(refused.reason).toBe("TWO_FACTOR_REQUIRED");
  return refused.details as { pendingToken: string; methods: string[] };
}

describe("authenticator app (TOTP)", () => {
  it("enrolls with a QR code of an otpauth URI, keeps the secret sealed, and needs a right code to confirm", async () => {
    const person = await t.signUp("Tove Enroll");
    const started = await person.client.twoFactor.startTotp.mutate();
    const uri = new URL(started.uri);
    expect(decodeURIComponent(started.uri)).toMatch(new RegExp(`^otpauth://totp/Roster:${person.email}\\?`));
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: started.secret,
      issuer: "Roster",
      period: "30",
      digits: "6",
    });
    expect(started.qrSvg).toContain("<svg");
    const row = await t.database.db
      .selectFrom("totp_credentials")
      .selectAll()
      .where("user_id", "=", person.user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(started.secret);
    expect(row.confirmed_at).toBeNull();

    expect((await refusal(person.client.twoFactor.confirmTotp.mutate({ code: "000000" }))).reason).toBe(
      "INVALID_TWO_FACTOR_CODE",
    );
    expect((await person.client.twoFactor.status.query()).enabled).toBe(false);
    const { recoveryCodes } = await person.client.twoFactor.confirmTotp.mutate({
      code: codeFor(started.secret),
    });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await t.database.db
      .selectFrom("recovery_codes")
      .select("code_hash")
      .where("user_id", "=", person.user.id)
      .execute();
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]!.replace("-", ""));
    expect(await person.client.twoFactor.status.query()).toMatchObject({
      totp: true,
      enabled: true,
      recoveryCodesLeft: 10,
      sessionTwoFactor: true,
    });
    expect((await refusal(person.client.twoFactor.startTotp.mutate())).reason).toBe(
      "TWO_FACTOR_ALREADY_ENABLED",
    );
  });

  it("asks for the code after the password, with a pending token that is not a session", async () => {
    const person = await t.signUp("Tove Signin");
    const { secret } = await enrollTotp(person);
    const { pendingToken, methods } = await passwordStep(person);
    expect(methods).toEqual(["totp", "recovery_code"]);
    expect((await refusal(t.client(pendingToken).auth.me.query())).reason).toBe("INVALID_SESSION");

    const wrong = codeFor(secret) === "123456" ? "654321" : "123456";
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code: wrong }))).reason,
    ).toBe("INVALID_TWO_FACTOR_CODE");
    const signedIn = await t.client().twoFactor.verifyCode.mutate({ pendingToken, code: codeFor(secret) });
    const me = await t.client(signedIn.token).auth.me.query();
    expect(me.session).toMatchObject({ authMethod: "password+totp", twoFactor: true });
    const sessions = await t.client(signedIn.token).auth.sessions.query();
    expect(sessions.find((s) => s.current)?.authMethod).toBe("password+totp");
    // The pending sign-in works once.
    t.clock.advance(30);
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code: codeFor(secret) }))).reason,
    ).toBe("SIGN_IN_EXPIRED");
  });

  it("refuses a code already accepted within its window, and takes the next one", async () => {
    const person = await t.signUp("Tove Replay");
    const { secret } = await enrollTotp(person);
    const code = codeFor(secret);
    const first = await passwordStep(person);
    await t.client().twoFactor.verifyCode.mutate({ pendingToken: first.pendingToken, code });
    const second = await passwordStep(person);
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken: second.pendingToken, code })))
        .reason,
    ).toBe("INVALID_TWO_FACTOR_CODE");
    // Nor a code of an earlier step, still inside the drift window.
    expect(
      (
        await refusal(
          t
            .client()
            .twoFactor.verifyCode.mutate({ pendingToken: second.pendingToken, code: codeFor(secret, -1) }),
        )
      ).reason,
    ).toBe("INVALID_TWO_FACTOR_CODE");
    t.clock.advance(30);
    const signedIn = await t
      .client()
      .twoFactor.verifyCode.mutate({ pendingToken: second.pendingToken, code: codeFor(secret) });
    expect(signedIn.token).toBeTruthy();
  });

  it("lets each recovery code sign in once", async () => {
    const person = await t.signUp("Tove Recovery");
    const { recoveryCodes } = await enrollTotp(person);
    const [one, two] = recoveryCodes as [string, string];
    const a = await passwordStep(person);
    const signedIn = await t
      .client()
      .twoFactor.verifyCode.mutate({ pendingToken: a.pendingToken, code: one });
    expect((await t.client(signedIn.token).auth.me.query()).session.authMethod).toBe(
      "password+recovery_code",
    );
    const b = await passwordStep(person);
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken: b.pendingToken, code: one })))
        .reason,
    ).toBe("INVALID_TWO_FACTOR_CODE");
    // Typed in capitals and without the dash, a code still works.
    await t.client().twoFactor.verifyCode.mutate({
      pendingToken: b.pendingToken,
      code: two.replace("-", "").toUpperCase(),
    });
    expect((await person.client.twoFactor.status.query()).recoveryCodesLeft).toBe(8);
  });

  it("refuses every code, the right one too, after five wrong ones (RATE_LIMITED)", async () => {
    const person = await t.signUp("Tove Guess");
    const { secret } = await enrollTotp(person);
    const { pendingToken } = await passwordStep(person);
    const right = codeFor(secret);
    const wrongs = ["111111", "222222", "333333", "444444", "555555", "666666"].filter((c) => c !== right);
    for (const code of wrongs.slice(0, 5)) {
      expect((await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code }))).reason).toBe(
        "INVALID_TWO_FACTOR_CODE",
      );
    }
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code: right }))).reason,
    ).toBe("RATE_LIMITED");
  });

  it("expires a pending sign-in after five minutes", async () => {
    const person = await t.signUp("Tove Slow");
    const { secret } = await enrollTotp(person);
    const { pendingToken } = await passwordStep(person);
    t.clock.advance(5 * 60 + 1);
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code: codeFor(secret) }))).reason,
    ).toBe("SIGN_IN_EXPIRED");
  });

  it("turns off only with a fresh code, after which the password alone signs in", async () => {
    const person = await t.signUp("Tove Disable");
    const { secret } = await enrollTotp(person);
    expect((await refusal(person.client.twoFactor.disableTotp.mutate({ code: "000000" }))).reason).toBe(
      "INVALID_TWO_FACTOR_CODE",
    );
    await person.client.twoFactor.disableTotp.mutate({ code: codeFor(secret) });
    expect(await person.client.twoFactor.status.query()).toMatchObject({
      enabled: false,
      recoveryCodesLeft: 0,
      sessionTwoFactor: false,
    });
    const signedIn = await t.client().auth.signIn.mutate({ email: person.email, password: PASSWORD });
    expect((await t.client(signedIn.token).auth.me.query()).session.authMethod).toBe("password");
  });

  it("makes a new set of recovery codes with a fresh code; the old set stops working", async () => {
    const person = await t.signUp("Tove Regenerate");
    const { secret, recoveryCodes: old } = await enrollTotp(person);
    const { recoveryCodes } = await person.client.twoFactor.regenerateRecoveryCodes.mutate({
      code: codeFor(secret),
    });
    expect(recoveryCodes).toHaveLength(10);
    const { pendingToken } = await passwordStep(person);
    expect(
      (await refusal(t.client().twoFactor.verifyCode.mutate({ pendingToken, code: old[0]! }))).reason,
    ).toBe("INVALID_TWO_FACTOR_CODE");
    await t.client().twoFactor.verifyCode.mutate({ pendingToken, code: recoveryCodes[0]! });
  });
});

describe('the organization policy "members must use two-factor"', () => {
  it("is turned on only by a manager who uses two-factor, and is audited", async () => {
    const owner = await verifiedPerson(t, "Policy Owner");
    const orgId = await personalOrg(owner);
    const member = await verifiedPerson(t, "Policy Admin");
    await addMember(t, owner, orgId, member, "member");
    expect(
      (await refusal(member.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: true }))).reason,
    ).toBe("PERMISSION_DENIED");
    expect(
      (await refusal(owner.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: true }))).reason,
    ).toBe("MFA_REQUIRED");
    await enrollTotp(owner);
    await owner.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: true });
    expect((await owner.client.orgs.get.query({ orgId })).requireTwoFactor).toBe(true);
    const audit = await owner.client.audit.list.query({ orgId, action: "org.updated" });
    expect(audit.items[0]).toMatchObject({ data: { changed: ["requireTwoFactor"], requireTwoFactor: true } });
  });

  it("refuses members without two-factor (MFA_REQUIRED) until they enroll, and lets them leave", async () => {
    const owner = await verifiedPerson(t, "Strict Owner");
    const orgId = await personalOrg(owner);
    const member = await verifiedPerson(t, "Strict Member");
    const leaver = await verifiedPerson(t, "Strict Leaver");
    await addMember(t, owner, orgId, member, "member");
    await addMember(t, owner, orgId, leaver, "member");
    await enrollTotp(owner);
    await owner.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: true });

    expect((await refusal(member.client.orgs.get.query({ orgId }))).reason).toBe("MFA_REQUIRED");
    expect((await refusal(member.client.members.list.query({ orgId }))).reason).toBe("MFA_REQUIRED");
    // What they need to enroll, and their list of organizations, still work.
    expect((await member.client.orgs.list.query()).map((o) => o.id)).toContain(orgId);
    const { secret } = await enrollTotp(member);
    expect((await member.client.orgs.get.query({ orgId })).id).toBe(orgId);

    // Signing in again asks for the code; a session made with it is let in.
    const { pendingToken } = await passwordStep(member);
    const signedIn = await t.client().twoFactor.verifyCode.mutate({ pendingToken, code: codeFor(secret) });
    expect((await t.client(signedIn.token).orgs.get.query({ orgId })).id).toBe(orgId);

    // Turning two-factor off puts the member back outside.
    t.clock.advance(30);
    await member.client.twoFactor.disableTotp.mutate({ code: codeFor(secret) });
    expect((await refusal(t.client(signedIn.token).orgs.get.query({ orgId }))).reason).toBe("MFA_REQUIRED");

    await leaver.client.members.leave.mutate({ orgId });
    expect((await leaver.client.orgs.list.query()).map((o) => o.id)).not.toContain(orgId);
  });

  it("does not hold anyone back once turned off", async () => {
    const owner = await verifiedPerson(t, "Relaxed Owner");
    const orgId = await personalOrg(owner);
    const member = await verifiedPerson(t, "Relaxed Member");
    await addMember(t, owner, orgId, member, "member");
    await enrollTotp(owner);
    await owner.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: true });
    expect((await failure(member.client.orgs.get.query({ orgId }))).reason).toBe("MFA_REQUIRED");
    await owner.client.orgs.setTwoFactorPolicy.mutate({ orgId, required: false });
    expect((await member.client.orgs.get.query({ orgId })).requireTwoFactor).toBe(false);
  });
});
