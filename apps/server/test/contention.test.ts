import { afterAll, beforeAll, expect, it } from "vitest";
import { type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/*
 * Many people changing one organization at once: invitations, accepts, revocations, role changes,
 * deactivation, removal, settings, workspaces, groups. Refusals are expected (someone else got
 * there first); an internal error never is: no deadlock or serialization failure may reach a client.
 */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const CLIENTS = 20;
const SECONDS = Number(process.env.CONTENTION_SECONDS ?? 12);

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

it(`${CLIENTS} clients changing one organization for ${SECONDS} s get answers, never internal errors`, async () => {
  const owner = await verifiedPerson(t, "Busy Owner");
  const orgId = await personalOrg(owner);
  const admins: SignedUpPerson[] = [];
  for (let i = 0; i < 3; i++) {
    const admin = await verifiedPerson(t, `Busy Admin ${i}`);
    await addMember(t, owner, orgId, admin, "admin");
    admins.push(admin);
  }
  const pool: SignedUpPerson[] = [];
  for (let i = 0; i < 6; i++) {
    const member = await verifiedPerson(t, `Busy Member ${i}`);
    await addMember(t, owner, orgId, member);
    pool.push(member);
  }
  const joiners: SignedUpPerson[] = [];
  for (let i = 0; i < 8; i++) joiners.push(await verifiedPerson(t, `Busy Joiner ${i}`));
  const managers = [owner, ...admins];

  const outcomes = new Map<string, number>();
  const internal: unknown[] = [];
  const note = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  let counter = 0;

  const operations: ((manager: SignedUpPerson) => Promise<unknown>)[] = [
    async (m) => {
      const joiner = pick(joiners);
      const { results } = await t
        .client(m.token)
        .invitations.create.mutate({ orgId, emails: [joiner.email], role: pick(["member", "viewer"]) });
      const id = results[0]?.invitationId;
      if (results[0]?.status === "invited" && id)
        await t.client(joiner.token).invitations.accept.mutate({ invitationId: id });
    },
    async (m) => {
      const { results } = await t
        .client(m.token)
        .invitations.create.mutate({ orgId, emails: [`passer.${++counter}@example.com`], role: "member" });
      const id = results[0]?.invitationId;
      if (id) await t.client(pick(managers).token).invitations.revoke.mutate({ orgId, invitationId: id });
    },
    (m) =>
      t.client(m.token).members.updateRole.mutate({
        orgId,
        userId: pick(pool).user.id,
        role: pick(["member", "viewer", "admin"]),
      }),
    (m) => t.client(m.token).members.deactivate.mutate({ orgId, userId: pick(pool).user.id }),
    (m) => t.client(m.token).members.reactivate.mutate({ orgId, userId: pick(pool).user.id }),
    (m) => t.client(m.token).members.remove.mutate({ orgId, userIds: [pick(joiners).user.id] }),
    (m) =>
      t.client(m.token).settings.set.mutate({ orgId, key: `busy.${counter++ % 5}`, value: { n: counter } }),
    (m) => t.client(m.token).workspaces.create.mutate({ orgId, name: `Space ${++counter}` }),
    (m) => t.client(m.token).orgs.update.mutate({ orgId, name: `Busy ${++counter}` }),
    async (m) => {
      const group = await t.client(m.token).groups.create.mutate({ orgId, name: `Group ${++counter}` });
      await t
        .client(m.token)
        .groups.addMembers.mutate({ orgId, groupId: group.id, userIds: [pick(pool).user.id] });
    },
  ];

  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const manager = i === 0 ? owner : managers[i % managers.length]!;
      while (Date.now() < deadline) {
        try {
          await pick(operations)(manager);
          note("ok");
        } catch (error) {
          const data = (error as { data?: { code?: string; reason?: string } }).data;
          if (!data || data.code === "INTERNAL_SERVER_ERROR") internal.push(error);
          note(data?.reason ?? "no reason");
        }
      }
    }),
  );
  console.log("contention outcomes", Object.fromEntries(outcomes));
  expect(outcomes.get("ok") ?? 0).toBeGreaterThan(50);
  expect(internal.map((e) => (e as Error).message)).toEqual([]);
}, 120_000);
