import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  failure,
  PASSWORD,
  refusal,
  type SignedUpPerson,
  startTestServer,
  type TestServer,
} from "./helpers.js";
import { SoftwareAuthenticator } from "./software-authenticator.js";

let t: TestServer;
beforeAll(async () => {
  // The relying party is PUBLIC_URL's host (roster.test); the app may also be served from ALLOWED_ORIGINS.
  t = await startTestServer({ ALLOWED_ORIGINS: "http://app.roster.test:5173" });
});
afterAll(async () => {
  await t?.close();
});

const ORIGIN = "http://roster.test";

async function register(person: SignedUpPerson, authenticator: SoftwareAuthenticator, name?: string) {
  const { challengeId, options } = await person.client.passkeys.startRegistration.mutate();
  return person.client.passkeys.finishRegistration.mutate({
    challengeId,
    ...(name ? { name } : {}),
    response: authenticator.create(options),
  });
}

async function passkeySignIn(
  authenticator: SoftwareAuthenticator,
  settings: { origin?: string; counter?: number } = {},
) {
  const { challengeId, options } = await t.client().passkeys.startSignIn.mutate();
  return t
    .client()
    .passkeys.finishSignIn.mutate({ challengeId, response: authenticator.get(options, settings) });
}

describe("passkeys", () => {
  it("registers several per account, each named, renamed and removed", async () => {
    const person = await t.signUp("Pia Keys");
    const laptop = await register(person, new SoftwareAuthenticator(ORIGIN), "Laptop");
    const phone = await register(person, new SoftwareAuthenticator("http://app.roster.test:5173"));
    expect((await person.client.passkeys.list.query()).map((p) => p.name)).toEqual(["Laptop", "Passkey 2"]);
    await person.client.passkeys.rename.mutate({ passkeyId: phone.id, name: "Phone" });
    await person.client.passkeys.remove.mutate({ passkeyId: laptop.id });
    expect((await person.client.passkeys.list.query()).map((p) => p.name)).toEqual(["Phone"]);
    const stranger = await t.signUp("Pia Stranger");
    expect((await refusal(stranger.client.passkeys.remove.mutate({ passkeyId: phone.id }))).reason).toBe(
      "PASSKEY_NOT_FOUND",
    );
    expect(
      (await refusal(stranger.client.passkeys.rename.mutate({ passkeyId: phone.id, name: "Mine" }))).reason,
    ).toBe("PASSKEY_NOT_FOUND");
  });

  it("signs in with a passkey alone, as two factors in one", async () => {
    const person = await t.signUp("Pia Alone");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await register(person, authenticator);
    const signedIn = await passkeySignIn(authenticator);
    expect(signedIn.user.id).toBe(person.user.id);
    const me = await t.client(signedIn.token).auth.me.query();
    expect(me.session).toMatchObject({ authMethod: "passkey", twoFactor: true });
  });

  it("refuses a passkey sign-in without user verification", async () => {
    const person = await t.signUp("Pia Unverified");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await register(person, authenticator);
    authenticator.userVerification = false;
    expect((await refusal(passkeySignIn(authenticator))).reason).toBe("PASSKEY_REJECTED");
  });

  it("refuses a response made on another origin, to register or to sign in", async () => {
    const person = await t.signUp("Pia Phished");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const { challengeId, options } = await person.client.passkeys.startRegistration.mutate();
    const phished = new SoftwareAuthenticator(ORIGIN).create(options, "http://roster.test.evil.example");
    expect(
      (await refusal(person.client.passkeys.finishRegistration.mutate({ challengeId, response: phished })))
        .reason,
    ).toBe("PASSKEY_REJECTED");
    expect(await person.client.passkeys.list.query()).toEqual([]);

    await register(person, authenticator);
    expect((await refusal(passkeySignIn(authenticator, { origin: "https://evil.example" }))).reason).toBe(
      "PASSKEY_REJECTED",
    );
    // The same authenticator on the right origin still works.
    expect((await passkeySignIn(authenticator)).user.id).toBe(person.user.id);
  });

  it("refuses a signature counter that goes back (a cloned authenticator)", async () => {
    const person = await t.signUp("Pia Cloned");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await register(person, authenticator);
    await passkeySignIn(authenticator, { counter: 5 });
    expect((await refusal(passkeySignIn(authenticator, { counter: 3 }))).reason).toBe("PASSKEY_REJECTED");
    expect((await refusal(passkeySignIn(authenticator, { counter: 5 }))).reason).toBe("PASSKEY_REJECTED");
    await passkeySignIn(authenticator, { counter: 6 });
  });

  it("uses each challenge once, and only while it is fresh", async () => {
    const person = await t.signUp("Pia Challenge");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await register(person, authenticator);
    const { challengeId, options } = await t.client().passkeys.startSignIn.mutate();
    await t.client().passkeys.finishSignIn.mutate({ challengeId, response: authenticator.get(options) });
    expect(
      (
        await refusal(
          t.client().passkeys.finishSignIn.mutate({ challengeId, response: authenticator.get(options) }),
        )
      ).reason,
    ).toBe("PASSKEY_CHALLENGE_EXPIRED");
    const late = await t.client().passkeys.startSignIn.mutate();
    t.clock.advance(5 * 60 + 1);
    expect(
      (
        await refusal(
          t.client().passkeys.finishSignIn.mutate({
            challengeId: late.challengeId,
            response: authenticator.get(late.options),
          }),
        )
      ).reason,
    ).toBe("PASSKEY_CHALLENGE_EXPIRED");
  });

  it("serves as the second factor after the password, and only the account's own passkey does", async () => {
    const person = await t.signUp("Pia Second");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await register(person, authenticator);
    const other = await t.signUp("Pia Other");
    const othersKey = new SoftwareAuthenticator(ORIGIN);
    await register(other, othersKey);

    const refused = await refusal(t.client().auth.signIn.mutate({ email: person.email, password: PASSWORD }));
    expect(refused.reason).toBe("TWO_FACTOR_REQUIRED");
    expect(refused.details.methods).toEqual(["passkey"]);
    const pendingToken = refused.details.pendingToken as string;

    const first = await t.client().twoFactor.passkeyOptions.mutate({ pendingToken });
    expect(first.options.allowCredentials).toHaveLength(1);
    // Another account's passkey signs the challenge: refused.
    const foreign = othersKey.get({ ...first.options, allowCredentials: [] });
    expect(
      (await refusal(t.client().twoFactor.verifyPasskey.mutate({ pendingToken, response: foreign }))).reason,
    ).toBe("PASSKEY_REJECTED");
    const { options } = await t.client().twoFactor.passkeyOptions.mutate({ pendingToken });
    const signedIn = await t
      .client()
      .twoFactor.verifyPasskey.mutate({ pendingToken, response: authenticator.get(options) });
    const me = await t.client(signedIn.token).auth.me.query();
    expect(me.session).toMatchObject({ authMethod: "password+passkey", twoFactor: true });
  });

  it("stops counting sessions as two-factor once the last passkey is removed", async () => {
    const person = await t.signUp("Pia Last");
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const passkey = await register(person, authenticator);
    expect((await person.client.twoFactor.status.query()).sessionTwoFactor).toBe(true);
    await person.client.passkeys.remove.mutate({ passkeyId: passkey.id });
    expect(await person.client.twoFactor.status.query()).toMatchObject({
      enabled: false,
      sessionTwoFactor: false,
    });
  });

  it("refuses to remove the passkey that is the account's last way to sign in", async () => {
    const person = await t.signUp("Pia Passwordless");
    const laptop = await register(person, new SoftwareAuthenticator(ORIGIN), "Laptop");
    const phone = await register(person, new SoftwareAuthenticator(ORIGIN), "Phone");
    // As an account made by a provider or a host has: no password.
    await t.database.db
      .updateTable("users")
      .set({ password_hash: null })
      .where("id", "=", person.user.id)
      .execute();
    expect((await person.client.auth.me.query()).hasPassword).toBe(false);

    // Another passkey remains: this one may go.
    await person.client.passkeys.remove.mutate({ passkeyId: laptop.id });
    const last = await failure(person.client.passkeys.remove.mutate({ passkeyId: phone.id }));
    expect(last).toMatchObject({ code: "CONFLICT", reason: "LAST_SIGN_IN_METHOD" });
    expect(last.message).toContain("Phone is your only way to sign in");
    expect((await person.client.passkeys.list.query()).map((p) => p.name)).toEqual(["Phone"]);

    // With a linked Google identity it may go too.
    await t.database.db
      .insertInto("social_identities")
      .values({
        provider: "google",
        subject: `google-${person.user.id}`,
        user_id: person.user.id,
        email: person.email,
        created_at: new Date(),
      })
      .execute();
    await person.client.passkeys.remove.mutate({ passkeyId: phone.id });
    expect(await person.client.passkeys.list.query()).toEqual([]);
  });

  it("keeps one passkey when the last two are removed at once", async () => {
    for (let round = 0; round < 5; round++) {
      const person = await t.signUp(`Pia Racing ${round}`);
      const passkeys = [
        await register(person, new SoftwareAuthenticator(ORIGIN), "Laptop"),
        await register(person, new SoftwareAuthenticator(ORIGIN), "Phone"),
      ];
      await t.database.db
        .updateTable("users")
        .set({ password_hash: null })
        .where("id", "=", person.user.id)
        .execute();
      const results = await Promise.allSettled(
        passkeys.map((p) => person.client.passkeys.remove.mutate({ passkeyId: p.id })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected");
      expect(await refusal(Promise.reject(refused?.reason))).toMatchObject({ reason: "LAST_SIGN_IN_METHOD" });
      expect(await person.client.passkeys.list.query()).toHaveLength(1);
    }
  });

  it("keeps one way in when the last passkey and the last linked identity are removed at once", async () => {
    for (let round = 0; round < 5; round++) {
      const person = await t.signUp(`Pia Crossing ${round}`);
      const passkey = await register(person, new SoftwareAuthenticator(ORIGIN), "Laptop");
      const subject = `google-${person.user.id}`;
      await t.database.db
        .insertInto("social_identities")
        .values({
          provider: "google",
          subject,
          user_id: person.user.id,
          email: person.email,
          created_at: new Date(),
        })
        .execute();
      await t.database.db
        .updateTable("users")
        .set({ password_hash: null })
        .where("id", "=", person.user.id)
        .execute();
      const results = await Promise.allSettled([
        person.client.passkeys.remove.mutate({ passkeyId: passkey.id }),
        person.client.auth.unlinkIdentity.mutate({ provider: "google", subject }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected");
      expect(await refusal(Promise.reject(refused?.reason))).toMatchObject({ reason: "LAST_SIGN_IN_METHOD" });
      const left =
        (await person.client.passkeys.list.query()).length +
        (await person.client.auth.identities.query()).length;
      expect(left).toBe(1);
    }
  });

  it("removes the last passkey of an account that has a password", async () => {
    const person = await t.signUp("Pia Password");
    const passkey = await register(person, new SoftwareAuthenticator(ORIGIN));
    expect((await person.client.auth.me.query()).hasPassword).toBe(true);
    await person.client.passkeys.remove.mutate({ passkeyId: passkey.id });
    expect(await person.client.passkeys.list.query()).toEqual([]);
  });
});
