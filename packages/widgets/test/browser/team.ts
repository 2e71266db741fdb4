import { createRosterClient, type RosterClient } from "@roster/sdk";
import { inject } from "vitest";

const roster = inject("roster");

export const client = (token: string): RosterClient => createRosterClient({ url: roster.url, token });

/** A fresh organization of the seeded owner, with Victor (the seeded viewer) in it as `role`. */
export async function freshTeam(name: string, role = "member") {
  const owner = client(roster.tokens.owner);
  const victor = client(roster.tokens.viewer);
  const org = await owner.orgs.create.mutate({ name });
  const { results } = await owner.invitations.create.mutate({
    orgId: org.id,
    emails: ["victor@widgets.example"],
    role,
  });
  await victor.invitations.accept.mutate({ invitationId: results[0]!.invitationId! });
  return { org, owner, victor };
}
