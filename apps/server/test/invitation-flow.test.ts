import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, linkToken, PASSWORD, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let generous: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  generous = await startTestServer({ PERSONAL_ORGANIZATIONS_FOR_INVITEES: "true" });
});
afterAll(async () => {
  await t?.close();
  await generous?.close();
});

async function invite(server: TestServer, email: string) {
  const alice = await verifiedPerson(server, "Alice Inviter");
  const orgId = await personalOrg(alice);
  await alice.client.invitations.create.mutate({ orgId, emails: [email], role: "member" });
  const mail = (await server.mailTo(email)).find((m) => m.text.includes("/invite/"));
  return { alice, orgId, token: linkToken(mail!.text, "/invite/") };
}

const signUp = (server: TestServer, email: string, invitationToken?: string) =>
  server.client().auth.signUp.mutate({
    email,
    password: PASSWORD,
    name: "Newcomer",
    ...(invitationToken ? { invitationToken } : {}),
  });

describe("joining through an invitation", () => {
  it("gives someone who signs up through the link no personal organization, only the inviting one", async () => {
    const { orgId, token } = await invite(t, "newcomer@flow.test");
    const { token: session } = await signUp(t, "newcomer@flow.test", token);
    const newcomer = t.client(session);
    expect(await newcomer.orgs.list.query()).toEqual([]);
    await newcomer.invitations.accept.mutate({ token });
    expect((await newcomer.orgs.list.query()).map((o) => o.id)).toEqual([orgId]);
  });

  it("still gives a personal organization to a sign-up whose token is not an open invitation to its address", async () => {
    const { token } = await invite(t, "someone@flow.test");
    const { token: session } = await signUp(t, "other@flow.test", token);
    expect((await t.client(session).orgs.list.query()).map((o) => o.personal)).toEqual([true]);
  });

  it("gives invitees a personal organization too when the deployment wants it", async () => {
    const { token } = await invite(generous, "welcome@flow.test");
    const { token: session } = await signUp(generous, "welcome@flow.test", token);
    expect((await generous.client(session).orgs.list.query()).map((o) => o.personal)).toEqual([true]);
  });
});

describe("declining through the link", () => {
  it("needs no account, stays visible to admins as declined, and closes the link", async () => {
    const { alice, orgId, token } = await invite(t, "no-thanks@flow.test");
    await t.client().invitations.declineLink.mutate({ token });
    const declined = await alice.client.invitations.list.query({ orgId, status: "declined" });
    expect(declined.items.map((i) => [i.email, i.status])).toEqual([["no-thanks@flow.test", "declined"]]);
    expect(await t.client().invitations.preview.query({ token })).toMatchObject({ status: "declined" });
    expect(await failure(t.client().invitations.declineLink.mutate({ token }))).toMatchObject({
      reason: "INVITATION_DECLINED",
    });
    const { token: session } = await signUp(t, "no-thanks@flow.test", token);
    expect(await failure(t.client(session).invitations.accept.mutate({ token }))).toMatchObject({
      reason: "INVITATION_DECLINED",
    });
    const audit = await alice.client.audit.list.query({ orgId, action: "invitation.declined" });
    expect(audit.items[0]).toMatchObject({ actor: null, targetName: "no-thanks@flow.test" });
  });

  it("refuses a link that is no invitation's", async () => {
    expect(await failure(t.client().invitations.declineLink.mutate({ token: "x".repeat(43) }))).toMatchObject(
      { reason: "INVITATION_NOT_FOUND" },
    );
  });
});
