import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode, totpStep } from "../src/auth/totp.js";
import { PASSKEY_SIGN_IN_STARTS_PER_IP } from "../src/domain/passkeys.js";
import { PASSWORD, refusal, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { startSmtpServer, type TestSmtpServer } from "./smtp.js";
import { SoftwareAuthenticator } from "./software-authenticator.js";

let smtp: TestSmtpServer;
let t: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestServer({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const codeFor = (secret: string) => totpCode(decodeBase32IgnorePadding(secret), totpStep(t.clock()));

function toAddresses(message: ParsedMail): string[] {
  const to = message.to ?? [];
  return (Array.isArray(to) ? to : [to]).flatMap((group) => group.value.map((v) => v.address ?? ""));
}

/** The subjects of what the SMTP server received for `person`, after delivering the outbox. */
async function subjectsFor(person: SignedUpPerson): Promise<string[]> {
  await t.deliver();
  return smtp.messages.filter((m) => toAddresses(m).includes(person.email)).map((m) => m.subject ?? "");
}

describe("security notices", () => {
  it("email the account's owner on every change to how it signs in, over SMTP", async () => {
    const person = await t.signUp("Notice Ines");
    const before = (await subjectsFor(person)).length;
    const sent = async () => (await subjectsFor(person)).slice(before);

    const { secret } = await person.client.twoFactor.startTotp.mutate();
    await person.client.twoFactor.confirmTotp.mutate({ code: codeFor(secret) });
    t.clock.advance(30);
    await person.client.twoFactor.regenerateRecoveryCodes.mutate({ code: codeFor(secret) });
    t.clock.advance(30);
    const laptop = new SoftwareAuthenticator("http://roster.test");
    const { challengeId, options } = await person.client.passkeys.startRegistration.mutate();
    const passkey = await person.client.passkeys.finishRegistration.mutate({
      challengeId,
      name: "Work laptop",
      response: laptop.create(options),
    });
    await person.client.passkeys.remove.mutate({ passkeyId: passkey.id });
    await person.client.twoFactor.disableTotp.mutate({ code: codeFor(secret) });
    await person.client.auth.changePassword.mutate({ current: PASSWORD, next: "a whole new passphrase 2" });

    expect(await sent()).toEqual([
      "Two-factor sign-in is on",
      "New recovery codes were made",
      "A passkey was added to your account",
      "A passkey was removed from your account",
      "Two-factor sign-in was turned off",
      "Your password was changed",
    ]);
    const added = smtp.messages.find(
      (m) => toAddresses(m).includes(person.email) && m.subject === "A passkey was added to your account",
    );
    expect(added?.text).toContain('"Work laptop"');
    expect(added?.text).toContain("http://roster.test/account");
    expect(added?.html).toEqual(expect.stringContaining('href="http://roster.test/account"'));
  });

  it("sends nothing when the change is refused", async () => {
    const person = await t.signUp("Notice Refused");
    const before = (await subjectsFor(person)).length;
    const { secret } = await person.client.twoFactor.startTotp.mutate();
    expect((await refusal(person.client.twoFactor.confirmTotp.mutate({ code: "000000" }))).reason).toBe(
      "INVALID_TWO_FACTOR_CODE",
    );
    expect(
      (
        await refusal(
          person.client.auth.changePassword.mutate({ current: "not it at all", next: "whatever 12345" }),
        )
      ).reason,
    ).toBe("INVALID_PASSWORD");
    expect(secret).toBeTruthy();
    expect((await subjectsFor(person)).slice(before)).toEqual([]);
  });
});

describe("passkey sign-in", () => {
  it("limits how many sign-ins one address starts in ten minutes", async () => {
    const start = () => t.client().passkeys.startSignIn.mutate();
    for (let i = 0; i < PASSKEY_SIGN_IN_STARTS_PER_IP; i++) await start();
    const refused = await refusal(start());
    expect(refused.reason).toBe("RATE_LIMITED");
    expect(refused.details.retryAfterSeconds).toBeGreaterThan(0);
    const stored = await t.database.db
      .selectFrom("auth_challenges")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("kind", "=", "passkey_sign_in")
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(PASSKEY_SIGN_IN_STARTS_PER_IP);
    t.clock.advance(10 * 60);
    expect((await start()).challengeId).toBeTruthy();
  });
});
