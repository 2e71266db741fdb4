import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
let quiet: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  quiet = await startTestServer({
    EMAIL_MEMBERS_ON_REMOVAL: "false",
    EMAIL_MEMBERS_ON_DEACTIVATION: "false",
    EMAIL_MEMBERS_ON_ROLE_CHANGE: "false",
  });
});
afterAll(async () => {
  await t?.close();
  await quiet?.close();
});

const subjects = async (server: TestServer, email: string) =>
  (await server.mailTo(email)).map((m) => m.subject).filter((s) => !/confirm|invit/i.test(s));

describe("emails to members about their membership", () => {
  it("tell a member their new role, that they were deactivated, and that they were removed", async () => {
    const ana = await verifiedPerson(t, "Ana Notice");
    const orgId = await personalOrg(ana);
    await ana.client.orgs.update.mutate({ orgId, name: "Notice Labs" });
    const bob = await verifiedPerson(t, "Bob Notice");
    await addMember(t, ana, orgId, bob);

    await ana.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    const [roleMail] = (await t.mailTo(bob.email)).filter((m) => m.subject.includes("role"));
    expect(roleMail).toMatchObject({ subject: "Your role in Notice Labs changed" });
    expect(roleMail!.text).toContain("Your role in Notice Labs changed from Member to Admin.");
    expect(roleMail!.html).toContain("from Member to Admin");

    await ana.client.members.deactivate.mutate({ orgId, userId: bob.user.id });
    await ana.client.members.reactivate.mutate({ orgId, userId: bob.user.id });
    await ana.client.members.remove.mutate({ orgId, userIds: [bob.user.id] });
    expect(await subjects(t, bob.email)).toEqual(
      expect.arrayContaining([
        "Your role in Notice Labs changed",
        "Your access to Notice Labs is paused",
        "You were removed from Notice Labs",
      ]),
    );
    expect(await subjects(t, bob.email)).toHaveLength(3);
    // The admin who acted hears nothing about it.
    expect(await subjects(t, ana.email)).toEqual([]);
  });

  it("tell nobody who leaves on their own, nor anyone when the deployment turns them off", async () => {
    const ana = await verifiedPerson(quiet, "Ana Quiet");
    const orgId = await personalOrg(ana);
    const bob = await verifiedPerson(quiet, "Bob Quiet");
    const cy = await verifiedPerson(quiet, "Cy Quiet");
    await addMember(quiet, ana, orgId, bob);
    await addMember(quiet, ana, orgId, cy);
    await ana.client.members.updateRole.mutate({ orgId, userId: bob.user.id, role: "admin" });
    await ana.client.members.deactivate.mutate({ orgId, userId: bob.user.id });
    await ana.client.members.remove.mutate({ orgId, userIds: [bob.user.id] });
    await cy.client.members.leave.mutate({ orgId });
    expect(await subjects(quiet, bob.email)).toEqual([]);
    expect(await subjects(quiet, cy.email)).toEqual([]);
  });
});
