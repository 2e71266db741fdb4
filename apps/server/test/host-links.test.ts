import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostApiKey } from "../src/auth/host-keys.js";
import { redirectAllowed } from "../src/domain/host-links.js";
import { failure, linkToken, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let hostKey: string;
beforeAll(async () => {
  t = await startTestServer();
  hostKey = (await createHostApiKey(t.database.db, "Links host", t.clock())).key;
});
afterAll(() => t?.close());

const host = () => createRosterClient({ url: t.url, token: hostKey });

async function lastMail(address: string): Promise<string> {
  await t.deliver();
  const mail = await t.mailTo(address);
  return mail.at(-1)!.text;
}

describe("host links", () => {
  it("are validated, and a refused update changes nothing", async () => {
    const set = await host().host.update.mutate({
      acceptInvitationUrl: "http://host.example/invite/{token}",
      redirectUrls: ["http://host.example/welcome", "http://host.example/teams/*"],
    });
    expect(set).toMatchObject({
      acceptInvitationUrl: "http://host.example/invite/{token}",
      resetPasswordUrl: null,
      redirectUrls: ["http://host.example/welcome", "http://host.example/teams/*"],
    });
    for (const bad of [
      { acceptInvitationUrl: "http://host.example/invite" },
      { acceptInvitationUrl: "http://host.example/{token}/{token}" },
      { acceptInvitationUrl: "http://{token}.example/invite" },
      { acceptInvitationUrl: "javascript:alert(1)//{token}" },
      { resetPasswordUrl: "/relative/{token}" },
      { redirectUrls: ["http://host.example/a*b"] },
      { redirectUrls: ["http://user:pw@host.example/"] },
      { redirectUrls: ["http://host.example/x?next=1"] },
      { redirectUrls: ["ftp://host.example/"] },
      { verifyEmailUrl: "http://host.example/v/{token}", redirectUrls: ["http://host.example/#frag"] },
    ]) {
      expect(await failure(host().host.update.mutate(bad)), JSON.stringify(bad)).toMatchObject({
        reason: "INVALID_HOST_URL",
      });
    }
    expect(await host().host.get.query()).toMatchObject({ ...set, verifyEmailUrl: null });
  });

  it("are https only in production", async () => {
    const { updateHostLinks } = await import("../src/domain/host-links.js");
    const key = await createHostApiKey(t.database.db, "Prod host", t.clock());
    await expect(
      updateHostLinks(t.database.db, true, key.id, { acceptInvitationUrl: "http://host.example/i/{token}" }),
    ).rejects.toMatchObject({ reason: "INVALID_HOST_URL" });
    await expect(
      updateHostLinks(t.database.db, true, key.id, { redirectUrls: ["http://host.example/"] }),
    ).rejects.toMatchObject({ reason: "INVALID_HOST_URL" });
    expect(
      await updateHostLinks(t.database.db, true, key.id, {
        acceptInvitationUrl: "https://host.example/i/{token}",
      }),
    ).toMatchObject({ acceptInvitationUrl: "https://host.example/i/{token}" });
  });

  it("match redirect URLs exactly or by prefix, never by a look-alike origin", () => {
    const list = ["https://host.example/welcome", "https://host.example/teams/*"];
    expect(redirectAllowed(list, "https://host.example/welcome")).toBe(true);
    expect(redirectAllowed(list, "https://host.example/welcome?from=mail")).toBe(true);
    expect(redirectAllowed(list, "https://host.example/teams/42/join")).toBe(true);
    expect(redirectAllowed(list, "https://host.example/welcome/x")).toBe(false);
    expect(redirectAllowed(list, "https://host.example/team")).toBe(false);
    expect(redirectAllowed(list, "http://host.example/welcome")).toBe(false);
    expect(redirectAllowed(list, "https://host.example.evil.test/teams/1")).toBe(false);
    expect(redirectAllowed(list, "https://evil.test@host.example/welcome")).toBe(false);
    expect(redirectAllowed(list, "https://host.example/welcome#x")).toBe(false);
    expect(redirectAllowed(["https://host.example*"], "https://host.example.evil.test/")).toBe(false);
  });

  it("land invitations made through the host's embed token on the host's page", async () => {
    const inviter = await host().embed.createToken.mutate({
      externalUserId: "inviter",
      email: "inviter@host.example",
      name: "Ina",
    });
    const c = t.client(inviter.token);
    const orgId = (await c.orgs.list.query())[0]!.id;
    const { results } = await c.invitations.create.mutate({
      orgId,
      emails: ["guest@host.example"],
      role: "member",
    });
    const text = await lastMail("guest@host.example");
    const token = linkToken(text, "http://host.example/invite/");
    expect(text).not.toContain("roster.test");
    // The link an admin copies is the same page.
    const { url } = await c.invitations.link.query({ orgId, invitationId: results[0]!.invitationId! });
    expect(url).toBe(`http://host.example/invite/${token}`);
    expect(await t.client().invitations.preview.query({ token })).toMatchObject({
      organization: { id: orgId },
    });
  });

  it("land an invitation naming a listed redirect URL there, and refuse an unlisted one", async () => {
    const admin = await verifiedPerson(t, "Roster Admin");
    const orgId = await personalOrg(admin);
    await admin.client.invitations.create.mutate({
      orgId,
      emails: ["listed@host.example"],
      role: "member",
      redirectUrl: "http://host.example/teams/7/join?src=mail",
    });
    const text = await lastMail("listed@host.example");
    expect(text).toMatch(/http:\/\/host\.example\/teams\/7\/join\?src=mail&token=[A-Za-z0-9_-]+/);
    const before = await t.database.db.selectFrom("invitations").select("id").execute();
    for (const redirectUrl of ["https://evil.example/teams/7", "http://host.example/other"]) {
      expect(
        await failure(
          admin.client.invitations.create.mutate({
            orgId,
            emails: ["unlisted@host.example"],
            role: "member",
            redirectUrl,
          }),
        ),
      ).toMatchObject({ reason: "REDIRECT_URL_NOT_ALLOWED" });
    }
    expect(await t.database.db.selectFrom("invitations").select("id").execute()).toHaveLength(before.length);
  });

  it("refuse an embed token a redirect URL that only another host lists", async () => {
    const other = createRosterClient({
      url: t.url,
      token: (await createHostApiKey(t.database.db, "Other host", t.clock())).key,
    });
    await other.host.update.mutate({ redirectUrls: ["http://other.example/join"] });
    const inviter = await host().embed.createToken.mutate({
      externalUserId: "inviter-2",
      email: "inviter2@host.example",
      name: "Ina Two",
    });
    const c = t.client(inviter.token);
    const orgId = (await c.orgs.list.query())[0]!.id;
    expect(
      await failure(
        c.invitations.create.mutate({
          orgId,
          emails: ["x@other.example"],
          role: "member",
          redirectUrl: "http://other.example/join",
        }),
      ),
    ).toMatchObject({ reason: "REDIRECT_URL_NOT_ALLOWED" });
  });

  it("land password reset and address confirmation of the host's accounts on the host's pages", async () => {
    await host().host.update.mutate({
      resetPasswordUrl: "http://host.example/reset?t={token}",
      verifyEmailUrl: "http://host.example/verify/{token}",
    });
    const made = await host().embed.createToken.mutate({
      externalUserId: "resetter",
      email: "resetter@host.example",
      name: "Reese",
      scopes: ["profile"],
    });
    await t.client().auth.requestPasswordReset.mutate({ email: "resetter@host.example" });
    const reset = await lastMail("resetter@host.example");
    const token = reset.match(/http:\/\/host\.example\/reset\?t=([A-Za-z0-9_-]+)/)?.[1];
    expect(token).toBeTruthy();
    await t.client().auth.resetPassword.mutate({ token: token!, password: "a brand new passphrase" });

    const again = await host().embed.createToken.mutate({
      externalUserId: "resetter",
      email: "resetter@host.example",
      name: "Reese",
      scopes: ["profile"],
    });
    await t.client(again.token).auth.changeEmail.mutate({ email: "reese@host.example" });
    expect(await lastMail("reese@host.example")).toContain("http://host.example/verify/");
    expect(made.userId).toBe(again.userId);

    // A person who signed up in Roster still gets Roster's own pages.
    const own = await verifiedPerson(t, "Own Person");
    await t.client().auth.requestPasswordReset.mutate({ email: own.email });
    expect(await lastMail(own.email)).toContain("http://roster.test/reset-password/");
  });
});
