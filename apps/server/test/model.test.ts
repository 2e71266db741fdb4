import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { verifiedPerson } from "./people.js";

/**
 * Random sequences of membership operations by random actors (the owner, admins, members,
 * invitees, outsiders), some fired together, checked after every step against a small model of
 * the organization and against invariants read from the database.
 *
 * A failure prints its seed and path; replay it with FC_SEED=<seed> FC_PATH=<path>.
 */

const SEAT_LIMIT = 3;
/** Runs per configuration: most with the seat limit (people reused), fewer under one organization per account. */
const RUNS = Number(process.env.FC_RUNS ?? 10);
const SINGLE_RUNS = Number(process.env.FC_RUNS ?? 5);
const ROLES = ["admin", "member", "viewer"] as const;
type Role = "owner" | (typeof ROLES)[number];

type Command = { stray?: boolean } & (
  | { kind: "invite"; actor: number; target: number; role: Role }
  | { kind: "accept" | "decline" | "leave" | "createResource"; actor: number }
  | {
      kind: "revoke" | "deactivate" | "reactivate" | "remove" | "transferOwnership";
      actor: number;
      target: number;
    }
  | { kind: "updateRole"; actor: number; target: number; role: Role }
);

/** Person 0 owns the organization; 1–4 start as strangers to it. */
const PEOPLE = 5;
const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const role = fc.constantFrom<Role>(...ROLES);
const anyCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("invite" as const), actor: person, target: person, role }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("accept" as const), actor: person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("decline" as const), actor: person }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("revoke" as const), actor: person, target: person }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("updateRole" as const), actor: person, target: person, role }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("deactivate" as const), actor: person, target: person }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("reactivate" as const), actor: person, target: person }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("remove" as const), actor: person, target: person }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave" as const), actor: person }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("transferOwnership" as const), actor: person, target: person }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("createResource" as const), actor: person }) },
);
/** Four in five commands go to a plausible actor and target (see `aim`); the rest to anyone. */
const command: fc.Arbitrary<Command> = fc
  .tuple(anyCommand, fc.integer({ min: 0, max: 4 }))
  .map(([c, n]) => ({ ...c, stray: n === 0 }));
/** Steps: one command, or 2–4 fired at once. */
const steps = fc.array(
  fc.oneof({ weight: 3, arbitrary: fc.tuple(command) }, fc.array(command, { minLength: 2, maxLength: 4 })),
  {
    minLength: 5,
    maxLength: 25,
  },
);

interface Model {
  members: Map<number, { role: Role; status: "active" | "deactivated" }>;
  /** Invitation id → invitee and role; only pending ones. */
  pending: Map<string, { invitee: number; role: Role }>;
  accepted: Set<string>;
  /** Resource id → owner. */
  resources: Map<string, number>;
}

interface World {
  t: TestServer;
  single: boolean;
  people: SignedUpPerson[];
  orgId: string;
  model: Model;
  auditFrom: number;
}

const AUDIT: Record<Command["kind"], string> = {
  invite: "member.invited",
  accept: "member.joined",
  decline: "invitation.declined",
  revoke: "invitation.revoked",
  updateRole: "member.role_changed",
  deactivate: "member.deactivated",
  reactivate: "member.reactivated",
  remove: "member.removed",
  leave: "member.left",
  transferOwnership: "org.ownership_transferred",
  createResource: "resource.created",
};

let counter = 0;
/** Outcomes seen, printed after each configuration so that a run that only meets refusals shows. */
const tally = new Map<string, number>();
async function signUpPeople(t: TestServer, tag: string): Promise<SignedUpPerson[]> {
  const people: SignedUpPerson[] = [];
  for (let i = 0; i < PEOPLE; i++)
    people.push(await verifiedPerson(t, `P${i} ${tag}`, `p${i}.${tag}@example.com`));
  return people;
}

/**
 * A new organization owned by person 0. With several organizations per account the same people
 * serve every run (their other organizations do not matter); under the single-organization policy
 * each run needs people who belong nowhere yet.
 */
async function newWorld(t: TestServer, single: boolean, shared: SignedUpPerson[]): Promise<World> {
  counter += 1;
  const people = single ? await signUpPeople(t, `run${counter}`) : shared;
  const org = await people[0]!.client.orgs.create.mutate({ name: `Run ${counter}` });
  // An outsider who already belongs to an organization of their own: under the single-organization
  // policy they cannot join this one.
  if (single) await people[PEOPLE - 1]!.client.orgs.create.mutate({ name: `Elsewhere ${counter}` });
  const last = await t.database.db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return {
    t,
    single,
    people,
    orgId: org.id,
    model: {
      members: new Map([[0, { role: "owner", status: "active" }]]),
      pending: new Map(),
      accepted: new Set(),
      resources: new Map(),
    },
    auditFrom: Number(last?.id ?? 0),
  };
}

const idOf = (w: World, i: number) => w.people[i]!.user.id;
const indexOf = (w: World, userId: string) => w.people.findIndex((p) => p.user.id === userId);

/**
 * Points a command at people for whom it could succeed (an admin inviting a stranger, an invitee
 * accepting), using the generated numbers to choose among them, unless it is a stray one.
 */
function aim(m: Model, c: Command): Command {
  if (c.stray) return c;
  const everyone = Array.from({ length: PEOPLE }, (_, i) => i);
  const active = [...m.members].filter(([, s]) => s.status === "active").map(([i]) => i);
  const managers = active.filter((i) => ["owner", "admin"].includes(m.members.get(i)!.role));
  const invitees = [...m.pending.values()].map((p) => p.invitee);
  const strangers = everyone.filter((i) => !m.members.has(i) && !invitees.includes(i));
  const pick = (list: number[], n: number) => (list.length > 0 ? list[n % list.length]! : n);
  switch (c.kind) {
    case "invite":
      return { ...c, actor: pick(managers, c.actor), target: pick(strangers, c.target) };
    case "accept":
    case "decline":
      return { ...c, actor: pick(invitees, c.actor) };
    case "revoke":
      return { ...c, actor: pick(managers, c.actor), target: pick(invitees, c.target) };
    case "leave":
    case "createResource":
      return { ...c, actor: pick(active, c.actor) };
    default: {
      const actor = pick(managers, c.actor);
      return {
        ...c,
        actor,
        target: pick(
          [...m.members.keys()].filter((i) => i !== actor),
          c.target,
        ),
      };
    }
  }
}

/** Runs one command; returns what the model must learn from its success. */
async function run(w: World, c: Command): Promise<(m: Model) => void> {
  const { orgId } = w;
  const client = w.people[c.actor]!.client;
  switch (c.kind) {
    case "invite": {
      const { results } = await client.invitations.create.mutate({
        orgId,
        emails: [w.people[c.target]!.email],
        role: c.role,
      });
      const r = results[0]!;
      return (m) => {
        if (r.status === "invited") m.pending.set(r.invitationId!, { invitee: c.target, role: c.role });
      };
    }
    case "accept":
    case "decline": {
      // Their own invitation if they have one, else someone else's (which must be refused).
      const mine = [...w.model.pending].find(([, inv]) => inv.invitee === c.actor);
      const any = mine ?? [...w.model.pending][0] ?? [...w.model.accepted].map((id) => [id] as const)[0];
      const invitationId = any?.[0] ?? "00000000-0000-4000-8000-000000000000";
      if (c.kind === "accept") {
        const result = await client.invitations.accept.mutate({ invitationId });
        return (m) => {
          const inv = m.pending.get(invitationId)!;
          m.pending.delete(invitationId);
          m.accepted.add(invitationId);
          m.members.set(c.actor, { role: result.role as Role, status: "active" });
          expect(inv.invitee).toBe(c.actor);
        };
      }
      await client.invitations.decline.mutate({ invitationId });
      return (m) => void m.pending.delete(invitationId);
    }
    case "revoke": {
      const found = [...w.model.pending].find(([, inv]) => inv.invitee === c.target);
      const invitationId = found?.[0] ?? [...w.model.accepted][0] ?? "00000000-0000-4000-8000-000000000000";
      await client.invitations.revoke.mutate({ orgId, invitationId });
      return (m) => void m.pending.delete(invitationId);
    }
    case "updateRole":
      await client.members.updateRole.mutate({ orgId, userId: idOf(w, c.target), role: c.role });
      return (m) => {
        const member = m.members.get(c.target)!;
        m.members.set(c.target, { ...member, role: c.role });
      };
    case "deactivate":
    case "reactivate":
      await client.members[c.kind].mutate({ orgId, userId: idOf(w, c.target) });
      return (m) => {
        const member = m.members.get(c.target)!;
        m.members.set(c.target, { ...member, status: c.kind === "deactivate" ? "deactivated" : "active" });
      };
    case "remove": {
      const owns = [...w.model.resources.values()].includes(c.target);
      const transferTo = owns ? idOf(w, c.actor) : undefined;
      await client.members.remove.mutate({ orgId, userIds: [idOf(w, c.target)], transferTo });
      return (m) => {
        m.members.delete(c.target);
        for (const [id, owner] of m.resources) if (owner === c.target) m.resources.set(id, c.actor);
      };
    }
    case "leave": {
      const owns = [...w.model.resources.values()].includes(c.actor);
      const heir = [...w.model.members].find(([i, mm]) => i !== c.actor && mm.status === "active")?.[0];
      const transferTo = owns && heir !== undefined ? idOf(w, heir) : undefined;
      await client.members.leave.mutate({ orgId, transferTo });
      return (m) => {
        m.members.delete(c.actor);
        for (const [id, owner] of m.resources) if (owner === c.actor) m.resources.set(id, heir!);
      };
    }
    case "transferOwnership":
      await client.orgs.transferOwnership.mutate({ orgId, userId: idOf(w, c.target) });
      return (m) => {
        m.members.set(c.actor, { role: "admin", status: "active" });
        m.members.set(c.target, { role: "owner", status: "active" });
      };
    case "createResource": {
      const r = await client.resources.register.mutate({ orgId, type: "cluster", name: `c-${c.actor}` });
      return (m) => void m.resources.set(r.id, c.actor);
    }
  }
}

/** The organization as the database has it, in the model's terms. */
async function observed(w: World): Promise<Model> {
  const db = w.t.database.db;
  const members = await db
    .selectFrom("memberships")
    .select(["user_id", "role", "status"])
    .where("org_id", "=", w.orgId)
    .execute();
  const invitations = await db
    .selectFrom("invitations")
    .select(["id", "email", "role", "status"])
    .where("org_id", "=", w.orgId)
    .execute();
  const resources = await db
    .selectFrom("resources")
    .select(["id", "owner_id"])
    .where("org_id", "=", w.orgId)
    .execute();
  const byEmail = (email: string) => w.people.findIndex((p) => p.email.toLowerCase() === email.toLowerCase());
  return {
    members: new Map(
      members.map((r) => [
        indexOf(w, r.user_id),
        { role: r.role as Role, status: r.status as "active" | "deactivated" },
      ]),
    ),
    pending: new Map(
      invitations
        .filter((i) => i.status === "pending")
        .map((i) => [i.id, { invitee: byEmail(i.email), role: i.role as Role }]),
    ),
    accepted: new Set(invitations.filter((i) => i.status === "accepted").map((i) => i.id)),
    resources: new Map(resources.map((r) => [r.id, indexOf(w, r.owner_id!)])),
  };
}

/** Invariants that hold whatever the commands were. */
async function checkInvariants(w: World): Promise<void> {
  const db = w.t.database.db;
  const owners = await db
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("org_id", "=", w.orgId)
    .where("role", "=", "owner")
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  expect(Number(owners.n), "an active owner").toBeGreaterThanOrEqual(1);
  const duplicates = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from memberships group by org_id, user_id having count(*) > 1) d`.execute(
    db,
  );
  expect(duplicates.rows[0]!.n, "duplicate memberships").toBe(0);
  // Each invitation joins at most one person, once.
  const joins = await sql<{ n: number }>`
    select count(*)::int as n from (
      select data->>'invitationId' from audit_events where org_id = ${w.orgId} and action = 'member.joined'
      group by 1 having count(*) > 1) d`.execute(db);
  expect(joins.rows[0]!.n, "an invitation accepted twice").toBe(0);
  const seats = await sql<{ n: number }>`
    select (select count(*) from memberships where org_id = ${w.orgId})
         + (select count(*) from invitations where org_id = ${w.orgId} and status = 'pending' and expires_at > ${w.t.clock()})
      as n`.execute(db);
  expect(Number(seats.rows[0]!.n), "seats").toBeLessThanOrEqual(SEAT_LIMIT);
  if (w.single) {
    const ids = w.people.map((p) => p.user.id);
    const multi = await sql<{ n: number }>`
      select count(*)::int as n from (select user_id from memberships where user_id = any(${ids}::uuid[])
      group by user_id having count(*) > 1) d`.execute(db);
    expect(multi.rows[0]!.n, "an account in two organizations").toBe(0);
  }
}

/** A member who was deactivated or removed is refused by every organization procedure. */
async function checkLockedOut(w: World, i: number): Promise<void> {
  const state = w.model.members.get(i);
  if (state?.status === "active") return;
  const client = w.people[i]!.client;
  const expected = state ? "MEMBERSHIP_DEACTIVATED" : "ORG_NOT_FOUND";
  const calls = [
    () => client.orgs.get.query({ orgId: w.orgId }),
    () => client.members.list.query({ orgId: w.orgId }),
    () => client.invitations.create.mutate({ orgId: w.orgId, emails: ["x@example.com"], role: "member" }),
    () => client.resources.register.mutate({ orgId: w.orgId, type: "cluster", name: "sneaky" }),
  ];
  for (const call of calls) {
    const error = await call().then(
      () => null,
      (e: { data?: { reason?: string } }) => e,
    );
    expect(error?.data?.reason, `person ${i} (${state?.status ?? "removed"}) was let in`).toBe(expected);
  }
}

async function execute(w: World, plan: Command[][]): Promise<void> {
  for (const [n, generated] of plan.entries()) {
    const group = generated.map((c) => aim(w.model, c));
    const label = `step ${n}: ${JSON.stringify(group)}`;
    const results = await Promise.allSettled(group.map((c) => run(w, c)));
    const before = new Map(w.model.members);
    for (const [k, r] of results.entries()) {
      if (r.status === "fulfilled") continue;
      const e = r.reason as { data?: { reason?: string; code?: string }; message?: string };
      // A refusal is fine; an internal error or an answer without a reason is not.
      expect(e.data?.reason, `${label}: ${group[k]!.kind} failed with ${e.message}`).toBeTruthy();
      expect(e.data?.reason, `${label}: ${group[k]!.kind}`).not.toBe("INTERNAL");
    }
    const succeeded = group.filter((_, k) => results[k]!.status === "fulfilled");
    for (const [k, r] of results.entries()) {
      const key =
        r.status === "fulfilled"
          ? `${group[k]!.kind} ok`
          : `${group[k]!.kind} ${(r.reason as { data?: { reason?: string } }).data?.reason}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const db = await observed(w);
    if (group.length === 1) {
      // Alone, the model says exactly what the organization is now; a refusal changed nothing.
      const r = results[0]!;
      if (r.status === "fulfilled") r.value(w.model);
      expect(db, label).toEqual(w.model);
    } else {
      // Together, the order is the server's: adopt what it did, then check it as above.
      w.model = db;
    }
    await checkInvariants(w);
    // Every success left its audit entry.
    const audit = await w.t.database.db
      .selectFrom("audit_events")
      .select(["id", "action"])
      .where("org_id", "=", w.orgId)
      .where("id", ">", String(w.auditFrom))
      .orderBy("id")
      .execute();
    // A success that changed nothing (reactivating an active member, giving someone the role they
    // have, or the second of two identical concurrent calls) has nothing to audit: count each change once.
    const changes = (c: Command) => {
      if (c.kind === "deactivate") return before.get(c.target)?.status === "active";
      if (c.kind === "reactivate") return before.get(c.target)?.status === "deactivated";
      if (c.kind === "updateRole") return before.get(c.target)?.role !== c.role;
      return true;
    };
    const distinct = (c: Command, k: number) =>
      ["deactivate", "reactivate", "updateRole"].includes(c.kind) && "target" in c
        ? `${c.kind}:${c.target}`
        : `${c.kind}:#${k}`;
    for (const kind of new Set(succeeded.map((c) => c.kind))) {
      const want = new Set(succeeded.filter((c) => c.kind === kind && changes(c)).map(distinct)).size;
      const got = audit.filter((a) => a.action === AUDIT[kind]).length;
      if (kind !== "invite") expect(got, `${label}: audit entries for ${kind}`).toBeGreaterThanOrEqual(want);
    }
    if (audit.length > 0) w.auditFrom = Number(audit.at(-1)!.id);
    // Who just lost access is locked out now.
    for (const [i, m] of before)
      if (w.model.members.get(i)?.status !== "active" && m.status === "active") await checkLockedOut(w, i);
  }
  for (let i = 0; i < PEOPLE; i++) await checkLockedOut(w, i);
}

const fcOptions = (numRuns: number) => ({
  numRuns,
  seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined,
  path: process.env.FC_PATH,
  endOnFailure: true,
});

describe.each([
  { name: "with a seat limit", single: false },
  { name: "with one organization per account", single: true },
])("membership operations $name", ({ single }) => {
  let t: TestServer;
  let shared: SignedUpPerson[] = [];
  beforeAll(async () => {
    t = await startTestServer({
      DEFAULT_SEAT_LIMIT: String(SEAT_LIMIT),
      SIGN_UPS_PER_IP_PER_HOUR: "100000",
      ...(single ? { SINGLE_ORGANIZATION: "true", PERSONAL_ORGANIZATIONS: "false" } : {}),
    });
    if (!single) shared = await signUpPeople(t, "shared");
  }, 60_000);
  afterAll(async () => {
    console.info(
      [...tally]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join(", "),
    );
    tally.clear();
    await t?.close();
  });

  it("keep the model and every invariant, alone and concurrently", async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const w = await newWorld(t, single, shared);
        await execute(w, plan);
      }),
      fcOptions(single ? SINGLE_RUNS : RUNS),
    );
  }, 240_000);
});
