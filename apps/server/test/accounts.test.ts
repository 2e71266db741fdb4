import { createRosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.js";
import { failure, linkToken, PASSWORD, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const HOUR = 60 * 60;
const NEW_PASSWORD = "a completely different passphrase";

/** The token of the newest `path` link emailed to `address`, and how many emails it has had. */
async function lastLink(address: string, path: "/verify-email/" | "/reset-password/") {
  const mails = (await t.mailTo(address)).filter((m) => m.text.includes(path));
  const last = mails.at(-1);
  if (!last) throw new Error(`No email with a ${path} link was sent to ${address}.`);
  return { token: linkToken(last.text, path), mail: last, count: mails.length };
}

/** A client that presents itself with a given User-Agent header. */
const clientAs = (userAgent: string, token?: string) =>
  createRosterClient({ url: t.url, token, headers: { "user-agent": userAgent } });

const signIn = async (email: string, password = PASSWORD) =>
  t.client((await t.client().auth.signIn.mutate({ email, password })).token);

describe("email verification", () => {
  it("sends a confirmation email at sign-up whose link verifies the address", async () => {
    const person = await t.signUp("Verify Ada");
    expect(person.user.emailVerified).toBe(false);

    const { token, mail, count } = await lastLink(person.email, "/verify-email/");
    expect(count).toBe(1);
    expect(mail.subject).toBe("Confirm your email address");
    expect(mail.text).toContain(`http://roster.test/verify-email/${token}`);
    expect(mail.html).toContain(`href="http://roster.test/verify-email/${token}"`);
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(false);

    const { user } = await t.client().auth.verifyEmail.mutate({ token });
    expect(user).toMatchObject({ id: person.user.id, email: person.email, emailVerified: true });
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(true);
  });

  it("accepts a confirmation link only once", async () => {
    const person = await t.signUp("Once");
    const { token } = await lastLink(person.email, "/verify-email/");
    await t.client().auth.verifyEmail.mutate({ token });
    expect(await failure(t.client().auth.verifyEmail.mutate({ token }))).toEqual({
      code: "BAD_REQUEST",
      reason: "INVALID_TOKEN",
      message: "This confirmation link is not valid or was already used. Sign in and ask for a new one.",
    });
  });

  it("refuses a link nobody was sent, and a password reset link", async () => {
    const person = await t.signUp("Forged Link");
    expect(await failure(t.client().auth.verifyEmail.mutate({ token: "A".repeat(43) }))).toMatchObject({
      code: "BAD_REQUEST",
      reason: "INVALID_TOKEN",
    });

    await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    const reset = await lastLink(person.email, "/reset-password/");
    expect(await failure(t.client().auth.verifyEmail.mutate({ token: reset.token }))).toMatchObject({
      reason: "INVALID_TOKEN",
    });
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(false);
  });

  it("lets a confirmation link expire 24 hours after it was sent", async () => {
    const early = await t.signUp("Early");
    const late = await t.signUp("Late");
    const earlyLink = await lastLink(early.email, "/verify-email/");
    const lateLink = await lastLink(late.email, "/verify-email/");

    t.clock.advance(24 * HOUR - 60);
    await t.client().auth.verifyEmail.mutate({ token: earlyLink.token });
    t.clock.advance(61);
    expect(await failure(t.client().auth.verifyEmail.mutate({ token: lateLink.token }))).toEqual({
      code: "BAD_REQUEST",
      reason: "TOKEN_EXPIRED",
      message: "This confirmation link has expired. Sign in and ask for a new one.",
    });
    expect((await early.client.auth.me.query()).user.emailVerified).toBe(true);
    expect((await late.client.auth.me.query()).user.emailVerified).toBe(false);
  });

  it("resends a new link that replaces the old one, and stops once the address is confirmed", async () => {
    const person = await t.signUp("Resend");
    const first = await lastLink(person.email, "/verify-email/");
    expect(await person.client.auth.resendVerification.mutate()).toEqual({ sent: true });
    const second = await lastLink(person.email, "/verify-email/");
    expect(second.count).toBe(2);
    expect(second.token).not.toBe(first.token);

    expect(await failure(t.client().auth.verifyEmail.mutate({ token: first.token }))).toMatchObject({
      reason: "INVALID_TOKEN",
    });
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(false);
    await t.client().auth.verifyEmail.mutate({ token: second.token });
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(true);

    expect(await person.client.auth.resendVerification.mutate()).toEqual({ sent: false });
    expect((await t.mailTo(person.email)).length).toBe(2);
  });

  it("delivers emails sent together in the order they were sent, so the newest link is the last email", async () => {
    const person = await t.signUp("Queued");
    await person.client.auth.resendVerification.mutate();
    await person.client.auth.resendVerification.mutate();
    // All three emails are delivered in one pass.
    const mails = await t.mailTo(person.email);
    expect(mails).toHaveLength(3);
    const tokens = mails.map((m) => linkToken(m.text, "/verify-email/"));
    for (const token of tokens.slice(0, 2)) {
      expect(await failure(t.client().auth.verifyEmail.mutate({ token }))).toMatchObject({
        reason: "INVALID_TOKEN",
      });
    }
    await t.client().auth.verifyEmail.mutate({ token: tokens[2]! });
    expect((await person.client.auth.me.query()).user.emailVerified).toBe(true);
  });

  it("resends at most 3 confirmation emails an hour", async () => {
    const person = await t.signUp("Impatient");
    for (let i = 0; i < 3; i++) {
      expect(await person.client.auth.resendVerification.mutate()).toEqual({ sent: true });
    }
    const limited = await failure(person.client.auth.resendVerification.mutate());
    expect(limited).toEqual({
      code: "TOO_MANY_REQUESTS",
      reason: "RATE_LIMITED",
      message:
        "We already sent several confirmation emails in the last hour. Check your inbox and spam folder, or try again later.",
    });
    // The sign-up email and three resends; the refused one sent nothing.
    const latest = await lastLink(person.email, "/verify-email/");
    expect(latest.count).toBe(4);

    t.clock.advance(HOUR);
    expect(await person.client.auth.resendVerification.mutate()).toEqual({ sent: true });
    expect((await t.mailTo(person.email)).length).toBe(5);
    // The link refused by the rate limit was never issued: the one before it was still the latest.
    expect(await failure(t.client().auth.verifyEmail.mutate({ token: latest.token }))).toMatchObject({
      reason: "INVALID_TOKEN",
    });
  });
});

describe("password reset", () => {
  it("answers the same for a known and an unknown address, and emails only the known one", async () => {
    const person = await t.signUp("Forgetful");
    const unknown = "nobody.here@example.com";
    const known = await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    const missing = await t.client().auth.requestPasswordReset.mutate({ email: unknown });
    expect(known).toEqual({ ok: true });
    expect(missing).toEqual(known);

    const mails = await t.mailTo(person.email);
    expect(mails.map((m) => m.subject)).toEqual(["Confirm your email address", "Reset your password"]);
    expect(mails[1]!.text).toMatch(/http:\/\/roster\.test\/reset-password\/[A-Za-z0-9_-]{43}/);
    expect(await t.mailTo(unknown)).toEqual([]);
    const queued = await t.database.db
      .selectFrom("outbox")
      .select("id")
      .where(sql<string>`lower(payload->>'to')`, "=", unknown)
      .execute();
    expect(queued).toEqual([]);
  });

  it("answers before the address is looked up, so its timing cannot tell whether an account has it", async () => {
    const person = await t.signUp("Timing");
    // Hold the accounts table locked: a request that looked the address up would wait here.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = t.database.db.transaction().execute(async (trx) => {
      await sql`lock table users in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    try {
      const answer = await Promise.race([
        t.client().auth.requestPasswordReset.mutate({ email: person.email }),
        new Promise((resolve) => setTimeout(() => resolve("still waiting"), 10_000)),
      ]);
      expect(answer).toEqual({ ok: true });
    } finally {
      release();
      await holder;
    }
    // Once the table is free, the link is created and sent.
    expect((await lastLink(person.email, "/reset-password/")).count).toBe(1);
  });

  it("sets a new password once, ends every session and confirms the address", async () => {
    const person = await t.signUp("Reset Me");
    const elsewhere = await signIn(person.email);
    await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    const { token } = await lastLink(person.email, "/reset-password/");

    expect(await t.client().auth.resetPassword.mutate({ token, password: NEW_PASSWORD })).toEqual({
      ok: true,
    });
    for (const client of [person.client, elsewhere]) {
      expect(await failure(client.auth.me.query())).toMatchObject({
        code: "UNAUTHORIZED",
        reason: "INVALID_SESSION",
      });
    }
    const sessions = await t.database.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", person.user.id)
      .execute();
    expect(sessions).toEqual([]);

    expect(await failure(signIn(person.email, PASSWORD))).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    const signedIn = await signIn(person.email, NEW_PASSWORD);
    expect((await signedIn.auth.me.query()).user).toMatchObject({ id: person.user.id, emailVerified: true });

    expect(
      await failure(t.client().auth.resetPassword.mutate({ token, password: "yet another passphrase" })),
    ).toEqual({
      code: "BAD_REQUEST",
      reason: "INVALID_TOKEN",
      message: "This password reset link is not valid or was already used. Ask for a new one.",
    });
    expect(await failure(signIn(person.email, "yet another passphrase"))).toMatchObject({
      reason: "INVALID_CREDENTIALS",
    });
  });

  it("lets a reset link expire an hour after it was sent", async () => {
    const early = await t.signUp("Reset Early");
    const late = await t.signUp("Reset Late");
    await t.client().auth.requestPasswordReset.mutate({ email: early.email });
    await t.client().auth.requestPasswordReset.mutate({ email: late.email });
    const earlyLink = await lastLink(early.email, "/reset-password/");
    const lateLink = await lastLink(late.email, "/reset-password/");

    t.clock.advance(HOUR - 60);
    await t.client().auth.resetPassword.mutate({ token: earlyLink.token, password: NEW_PASSWORD });
    t.clock.advance(61);
    expect(
      await failure(t.client().auth.resetPassword.mutate({ token: lateLink.token, password: NEW_PASSWORD })),
    ).toEqual({
      code: "BAD_REQUEST",
      reason: "TOKEN_EXPIRED",
      message: "This password reset link has expired. Ask for a new one.",
    });
    // The expired link changed nothing: the old password and the session still work.
    expect((await late.client.auth.me.query()).user.id).toBe(late.user.id);
    await signIn(late.email, PASSWORD);
  });

  it("keeps only the newest reset link working", async () => {
    const person = await t.signUp("Two Links");
    await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    const first = await lastLink(person.email, "/reset-password/");
    await t.client().auth.requestPasswordReset.mutate({ email: person.email.toUpperCase() });
    const second = await lastLink(person.email, "/reset-password/");
    expect(second.token).not.toBe(first.token);

    expect(
      await failure(t.client().auth.resetPassword.mutate({ token: first.token, password: NEW_PASSWORD })),
    ).toMatchObject({ reason: "INVALID_TOKEN" });
    // A new password that is too short is refused before the link is used up.
    expect(
      await failure(t.client().auth.resetPassword.mutate({ token: second.token, password: "short" })),
    ).toMatchObject({
      reason: "VALIDATION",
      message: "Use at least 8 characters for your password.",
      issues: [{ path: ["password"], message: "Use at least 8 characters for your password." }],
    });
    await t.client().auth.resetPassword.mutate({ token: second.token, password: NEW_PASSWORD });
    await signIn(person.email, NEW_PASSWORD);
  });

  it("sends at most 3 reset emails an hour to one address", async () => {
    const person = await t.signUp("Reset Flood");
    for (let i = 0; i < 3; i++) await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    expect(await failure(t.client().auth.requestPasswordReset.mutate({ email: person.email }))).toMatchObject(
      { code: "TOO_MANY_REQUESTS", reason: "RATE_LIMITED" },
    );
    expect((await t.mailTo(person.email)).filter((m) => m.subject === "Reset your password")).toHaveLength(3);
  });
});

describe("profile", () => {
  it("changes the name, trimmed", async () => {
    const person = await t.signUp("Old Name");
    const { user } = await person.client.auth.updateProfile.mutate({ name: "  New Name  " });
    expect(user).toMatchObject({ id: person.user.id, name: "New Name" });
    expect((await person.client.auth.me.query()).user.name).toBe("New Name");
  });

  it.each([
    ["an empty name", "   ", "Enter your name."],
    ["a name over 100 characters", "x".repeat(101), "Names are at most 100 characters."],
  ])("refuses %s and keeps the old one", async (_label, name, message) => {
    const person = await t.signUp("Kept Name");
    expect(await failure(person.client.auth.updateProfile.mutate({ name }))).toEqual({
      code: "BAD_REQUEST",
      reason: "VALIDATION",
      message,
      issues: [{ path: ["name"], message }],
    });
    expect((await person.client.auth.me.query()).user.name).toBe("Kept Name");
  });

  it("refuses to change the profile without a session", async () => {
    expect(await failure(t.client().auth.updateProfile.mutate({ name: "Nobody" }))).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "UNAUTHENTICATED",
    });
  });
});

describe("change password", () => {
  it("needs the current password", async () => {
    const person = await t.signUp("Careful");
    expect(
      await failure(
        person.client.auth.changePassword.mutate({ current: "not my password", next: NEW_PASSWORD }),
      ),
    ).toEqual({
      code: "BAD_REQUEST",
      reason: "INVALID_PASSWORD",
      message: "Your current password is incorrect.",
    });
    await signIn(person.email, PASSWORD);
    expect(await failure(signIn(person.email, NEW_PASSWORD))).toMatchObject({
      reason: "INVALID_CREDENTIALS",
    });
  });

  it("ends the other sessions and keeps the current one", async () => {
    const person = await t.signUp("Rotating");
    const laptop = await signIn(person.email);
    const phone = await signIn(person.email);

    expect(await person.client.auth.changePassword.mutate({ current: PASSWORD, next: NEW_PASSWORD })).toEqual(
      {
        endedSessions: 2,
      },
    );
    expect((await person.client.auth.me.query()).user.id).toBe(person.user.id);
    for (const client of [laptop, phone]) {
      expect(await failure(client.auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    }
    expect(await failure(signIn(person.email, PASSWORD))).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    await signIn(person.email, NEW_PASSWORD);
  });

  it("limits guesses of the current password", async () => {
    const person = await t.signUp("Guessed");
    for (let i = 0; i < 10; i++) {
      expect(
        await failure(
          person.client.auth.changePassword.mutate({ current: `guess ${i} wrong`, next: NEW_PASSWORD }),
        ),
      ).toMatchObject({ reason: "INVALID_PASSWORD" });
    }
    expect(
      await failure(person.client.auth.changePassword.mutate({ current: PASSWORD, next: NEW_PASSWORD })),
    ).toEqual({
      code: "TOO_MANY_REQUESTS",
      reason: "RATE_LIMITED",
      message: "Too many attempts to change your password. Wait a few minutes and try again.",
    });
    await signIn(person.email, PASSWORD);

    t.clock.advance(15 * 60);
    await person.client.auth.changePassword.mutate({ current: PASSWORD, next: NEW_PASSWORD });
    await signIn(person.email, NEW_PASSWORD);
  });

  it("refuses a new password that is too short", async () => {
    const person = await t.signUp("Short");
    expect(
      await failure(person.client.auth.changePassword.mutate({ current: PASSWORD, next: "short" })),
    ).toEqual({
      code: "BAD_REQUEST",
      reason: "VALIDATION",
      message: "Use at least 8 characters for your password.",
      issues: [{ path: ["next"], message: "Use at least 8 characters for your password." }],
    });
    await signIn(person.email, PASSWORD);
  });
});

describe("change email", () => {
  it("changes the address only once the link sent to the new one is followed", async () => {
    const person = await t.signUp("Mover");
    const newEmail = `moved.${person.user.id.slice(0, 8)}@example.org`;
    expect(await person.client.auth.changeEmail.mutate({ email: newEmail })).toEqual({
      pendingEmail: newEmail,
    });

    const me = await person.client.auth.me.query();
    expect(me.user.email).toBe(person.email);
    expect(await failure(signIn(newEmail))).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    // The link goes to the new address, not the old one.
    expect((await t.mailTo(person.email)).length).toBe(1);
    const { token, mail, count } = await lastLink(newEmail, "/verify-email/");
    expect(count).toBe(1);
    expect(mail.text).toContain(`Confirm that ${newEmail} is your email address`);

    const { user } = await t.client().auth.verifyEmail.mutate({ token });
    expect(user).toMatchObject({ id: person.user.id, email: newEmail, emailVerified: true });
    expect((await person.client.auth.me.query()).user.email).toBe(newEmail);
    await signIn(newEmail);
    expect(await failure(signIn(person.email))).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    // The old address is told, with a way back if the change was not theirs.
    const oldMail = await t.mailTo(person.email);
    expect(oldMail.map((m) => m.subject)).toEqual([
      "Confirm your email address",
      "Your account's email address was changed",
    ]);
    expect(oldMail[1]!.text).toContain(`is now ${newEmail}`);
    expect(oldMail[1]!.text).toContain("http://roster.test/forgot-password");
  });

  it("resends the confirmation of a pending change to the new address", async () => {
    const person = await t.signUp("Resend Move");
    const newEmail = `resend.move.${person.user.id.slice(0, 8)}@example.org`;
    await person.client.auth.changeEmail.mutate({ email: newEmail });
    const first = await lastLink(newEmail, "/verify-email/");
    expect(await person.client.auth.resendVerification.mutate()).toEqual({ sent: true });
    const second = await lastLink(newEmail, "/verify-email/");
    expect(second.count).toBe(2);
    expect((await t.mailTo(person.email)).length).toBe(1);

    expect(await failure(t.client().auth.verifyEmail.mutate({ token: first.token }))).toMatchObject({
      reason: "INVALID_TOKEN",
    });
    await t.client().auth.verifyEmail.mutate({ token: second.token });
    expect((await person.client.auth.me.query()).user.email).toBe(newEmail);
  });

  it("stops reset links mailed to the old address from working once the new one is confirmed", async () => {
    const person = await t.signUp("Leaving Mailbox");
    const newEmail = `fresh.${person.user.id.slice(0, 8)}@example.org`;
    await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    const oldReset = await lastLink(person.email, "/reset-password/");

    await person.client.auth.changeEmail.mutate({ email: newEmail });
    // Until the new address is confirmed, the old one is still the account's address.
    const pending = await lastLink(newEmail, "/verify-email/");
    await t.client().auth.verifyEmail.mutate({ token: pending.token });

    expect(
      await failure(t.client().auth.resetPassword.mutate({ token: oldReset.token, password: NEW_PASSWORD })),
    ).toMatchObject({ code: "BAD_REQUEST", reason: "INVALID_TOKEN" });
    expect((await person.client.auth.me.query()).user.id).toBe(person.user.id);
    await signIn(newEmail, PASSWORD);

    // A reset asked for now goes to the new address, and works.
    await t.client().auth.requestPasswordReset.mutate({ email: newEmail });
    const newReset = await lastLink(newEmail, "/reset-password/");
    await t.client().auth.resetPassword.mutate({ token: newReset.token, password: NEW_PASSWORD });
    await signIn(newEmail, NEW_PASSWORD);
  });

  it("refuses an address another account has, in any letter case", async () => {
    const person = await t.signUp("Squatter");
    const other = await t.signUp("Owner");
    expect(
      await failure(person.client.auth.changeEmail.mutate({ email: other.email.toUpperCase() })),
    ).toEqual({
      code: "CONFLICT",
      reason: "EMAIL_TAKEN",
      message: "Another account uses this email address. Choose a different one.",
    });
    expect((await t.mailTo(other.email)).length).toBe(1);
    expect((await person.client.auth.me.query()).user.email).toBe(person.email);
  });

  it("refuses the current address", async () => {
    const person = await t.signUp("Same");
    expect(await failure(person.client.auth.changeEmail.mutate({ email: person.email }))).toMatchObject({
      code: "BAD_REQUEST",
      reason: "EMAIL_UNCHANGED",
    });
  });

  it("refuses to move to an address someone signed up with after the change was asked for", async () => {
    const person = await t.signUp("Slow Mover");
    const wanted = `wanted.${person.user.id.slice(0, 8)}@example.org`;
    await person.client.auth.changeEmail.mutate({ email: wanted });
    const { token } = await lastLink(wanted, "/verify-email/");
    await t.signUp("Quick", wanted);

    expect(await failure(t.client().auth.verifyEmail.mutate({ token }))).toMatchObject({
      code: "CONFLICT",
      reason: "EMAIL_TAKEN",
    });
    expect((await person.client.auth.me.query()).user.email).toBe(person.email);
  });
});

describe("sessions", () => {
  it("lists my sessions with their device, address and which one is current", async () => {
    const person = await t.signUp("Devices");
    const laptopToken = (
      await clientAs("RosterTest/1.0 (laptop)").auth.signIn.mutate({
        email: person.email,
        password: PASSWORD,
      })
    ).token;
    const phoneToken = (
      await clientAs("RosterTest/1.0 (phone)").auth.signIn.mutate({ email: person.email, password: PASSWORD })
    ).token;
    await t.signUp("Somebody Else");

    const sessions = await clientAs("RosterTest/1.0 (laptop)", laptopToken).auth.sessions.query();
    expect(sessions).toHaveLength(3);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get(laptopToken.split(".")[0]!)).toMatchObject({
      userAgent: "RosterTest/1.0 (laptop)",
      ip: "127.0.0.1",
      current: true,
    });
    expect(byId.get(phoneToken.split(".")[0]!)).toMatchObject({
      userAgent: "RosterTest/1.0 (phone)",
      ip: "127.0.0.1",
      current: false,
    });
    expect(byId.get(person.token.split(".")[0]!)).toMatchObject({ current: false });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    for (const s of sessions) expect(new Date(s.expiresAt).getTime()).toBeGreaterThan(t.clock().getTime());
  });

  it("revokes one session, whose token then stops working", async () => {
    const person = await t.signUp("Revoker");
    const other = await signIn(person.email);
    const otherId = (await other.auth.me.query()).session.id;

    expect(await person.client.auth.revokeSession.mutate({ sessionId: otherId })).toEqual({ ok: true });
    expect(await failure(other.auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    expect((await person.client.auth.sessions.query()).map((s) => s.id)).toEqual([
      person.token.split(".")[0],
    ]);
    expect(await failure(person.client.auth.revokeSession.mutate({ sessionId: otherId }))).toEqual({
      code: "NOT_FOUND",
      reason: "SESSION_NOT_FOUND",
      message: "This session does not exist or already ended.",
    });
  });

  it.each([
    ["an empty session id", "", "Choose the session to end."],
    [
      "an overlong session id",
      "x".repeat(65),
      "This is not a valid session id. Pick the session from your list of sessions.",
    ],
  ])("refuses %s with a sentence", async (_label, sessionId, message) => {
    const person = await t.signUp("Sloppy");
    expect(await failure(person.client.auth.revokeSession.mutate({ sessionId }))).toEqual({
      code: "BAD_REQUEST",
      reason: "VALIDATION",
      message,
      issues: [{ path: ["sessionId"], message }],
    });
  });

  it("does not reveal or end another person's session", async () => {
    const person = await t.signUp("Meddler");
    const victim = await t.signUp("Victim");
    const victimId = victim.token.split(".")[0]!;
    expect(await failure(person.client.auth.revokeSession.mutate({ sessionId: victimId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "SESSION_NOT_FOUND",
    });
    expect((await victim.client.auth.me.query()).user.id).toBe(victim.user.id);
  });

  it("ends every other session and keeps the current one", async () => {
    const person = await t.signUp("Tidy");
    const others = [await signIn(person.email), await signIn(person.email)];
    const bystander = await t.signUp("Bystander");

    expect(await person.client.auth.revokeOtherSessions.mutate()).toEqual({ endedSessions: 2 });
    for (const client of others) {
      expect(await failure(client.auth.me.query())).toMatchObject({ reason: "INVALID_SESSION" });
    }
    const left = await person.client.auth.sessions.query();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ id: person.token.split(".")[0], current: true });
    expect((await bystander.client.auth.me.query()).user.id).toBe(bystander.user.id);
  });
});

describe("email tokens at rest", () => {
  it("stores only SHA-256 hashes of the emailed tokens", async () => {
    // Every token emailed by the tests above, plus a fresh one of each kind.
    const person = await t.signUp("At Rest");
    await t.client().auth.requestPasswordReset.mutate({ email: person.email });
    await t.deliver();
    const mails = await t.database.db.selectFrom("dev_mailbox").select("text").execute();
    const tokens = mails.flatMap((m) =>
      [...m.text.matchAll(/\/(?:verify-email|reset-password)\/([A-Za-z0-9_-]+)/g)].map((x) => x[1]!),
    );
    expect(tokens.length).toBeGreaterThan(20);

    const rows = await t.database.db.selectFrom("email_tokens").select("token_hash").execute();
    const stored = new Set(rows.map((r) => Buffer.from(r.token_hash).toString("hex")));
    for (const token of tokens) expect(stored.has(Buffer.from(hashSecret(token)).toString("hex"))).toBe(true);

    const dump = await sql<{
      dump: string;
    }>`select string_agg(e::text, ' ') as dump from email_tokens e`.execute(t.database.db);
    for (const token of tokens) expect(dump.rows[0]!.dump).not.toContain(token);
  });
});
