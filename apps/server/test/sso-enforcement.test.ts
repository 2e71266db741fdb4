import { startOidcProvider, type TestOidcProvider } from "@roster/testing/identity-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, type TestServer } from "./helpers.js";
import { addMember, verifiedPerson } from "./people.js";
import {
  followProviderRedirects,
  openCallback,
  orgOnDomain,
  startSso,
  startSsoTestServer,
} from "./sso-helpers.js";

// "Members on this domain must use SSO" for sessions that already exist when it is switched on.

let t: TestServer;
let idp: TestOidcProvider;
beforeAll(async () => {
  t = await startSsoTestServer();
  idp = await startOidcProvider({ redirectUris: [`${t.url}/sso/oidc/callback`] });
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

async function connectedOrg() {
  const domain = "enforced-sessions.example";
  const org = await orgOnDomain(t, domain);
  await org.owner.client.sso.configure.mutate({
    orgId: org.orgId,
    protocol: "oidc",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    defaultRole: "member",
  });
  return { ...org, domain };
}

async function signInThroughProvider(email: string) {
  const started = await startSso(t, email);
  const callback = await followProviderRedirects(started.url, `${t.url}/sso/`);
  return { landing: await openCallback(callback, started.flowCookie) };
}

describe("enforcing single sign-on on existing sessions", () => {
  it("ends password sessions' access at once: members on the domain are refused the organization until they sign in through its provider; owners and other domains keep theirs", async () => {
    const { owner, orgId, domain } = await connectedOrg();
    const member = await verifiedPerson(t, "Signed In Member", `signed-in@${domain}`);
    const admin = await verifiedPerson(t, "Signed In Admin", `admin@${domain}`);
    const guest = await verifiedPerson(t, "Guest Elsewhere");
    await addMember(t, owner, orgId, member);
    await addMember(t, owner, orgId, admin, "admin");
    await addMember(t, owner, orgId, guest);
    // Signed in with their passwords before enforcement starts.
    expect((await member.client.members.list.query({ orgId })).items.length).toBe(4);

    await owner.client.sso.setEnforcement.mutate({ orgId, enforced: true });
    const refused = { code: "FORBIDDEN", reason: "SSO_REQUIRED" };
    // Read with the session (the request's first call names the organization)…
    expect(await failure(member.client.members.list.query({ orgId }))).toMatchObject(refused);
    expect(await failure(admin.client.sso.setEnforcement.mutate({ orgId, enforced: false }))).toMatchObject(
      refused,
    );
    // …and read on its own (a batch whose first call is about no organization).
    const [orgs, batched] = await Promise.allSettled([
      member.client.orgs.list.query(),
      member.client.members.list.query({ orgId }),
    ]);
    expect(orgs.status).toBe("fulfilled");
    expect(
      batched.status === "rejected" && (batched.reason as { data: { reason: string } }).data.reason,
    ).toBe("SSO_REQUIRED");
    // The owner recovers with a password; someone whose address is elsewhere is not concerned.
    expect((await owner.client.members.list.query({ orgId })).items.length).toBe(4);
    expect((await guest.client.members.list.query({ orgId })).items.length).toBe(4);

    // A session the organization's provider made reaches it.
    idp.signInAs({ subject: "sub-signed-in", email: member.email, name: "Signed In Member" });
    const { landing } = await signInThroughProvider(member.email);
    const sso = t.client(landing.session);
    expect((await sso.members.list.query({ orgId })).items.length).toBe(4);
    const [asSso, batchedSso] = await Promise.all([sso.orgs.list.query(), sso.members.list.query({ orgId })]);
    expect(asSso.map((o) => o.id)).toContain(orgId);
    expect(batchedSso.items.length).toBe(4);

    await owner.client.sso.setEnforcement.mutate({ orgId, enforced: false });
    expect((await member.client.members.list.query({ orgId })).items.length).toBe(4);
  });
});
