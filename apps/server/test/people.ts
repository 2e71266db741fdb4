import { linkToken, type SignedUpPerson, type TestServer } from "./helpers.js";

/** Signs a person up and confirms their address through the emailed link, as they would. */
export async function verifiedPerson(t: TestServer, name: string, email?: string): Promise<SignedUpPerson> {
  const person = await t.signUp(name, email);
  const mail = await t.mailTo(person.email);
  const confirm = mail.find((m) => m.text.includes("/verify-email/"));
  if (!confirm) throw new Error(`no confirmation email for ${person.email}`);
  await t.client().auth.verifyEmail.mutate({ token: linkToken(confirm.text, "/verify-email/") });
  return { ...person, user: { ...person.user, emailVerified: true } };
}

/** The organization registration made for a person. */
export async function personalOrg(person: SignedUpPerson): Promise<string> {
  const orgs = await person.client.orgs.list.query();
  const org = orgs.find((o) => o.personal);
  if (!org) throw new Error("no personal organization");
  return org.id;
}

/** Invites `invitee` into `orgId` as `role` and accepts by id; returns the invitation id. */
export async function addMember(
  _t: TestServer,
  admin: SignedUpPerson,
  orgId: string,
  invitee: SignedUpPerson,
  role = "member",
): Promise<string> {
  const { results } = await admin.client.invitations.create.mutate({ orgId, emails: [invitee.email], role });
  const id = results[0]?.invitationId;
  if (!id || results[0]?.status !== "invited")
    throw new Error(`could not invite: ${JSON.stringify(results)}`);
  await invitee.client.invitations.accept.mutate({ invitationId: id });
  return id;
}
