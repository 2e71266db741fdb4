import { randomUUID } from "node:crypto";
import type { RosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, type Permission } from "../src/domain/permissions.js";
import { appRouter } from "../src/routers/index.js";
import { type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

/**
 * Every organization procedure × every kind of caller, over HTTP through the SDK. A refused call
 * must be refused for the right reason and change nothing; an allowed one must go through.
 */

type Role = "owner" | "admin" | "member" | "viewer";
type Caller = Role | "deactivated" | "removed" | "outsider" | "anonymous";
const ROLES: Role[] = ["owner", "admin", "member", "viewer"];
const CALLERS: Caller[] = [...ROLES, "deactivated", "removed", "outsider", "anonymous"];
const EVERYONE = ROLES;
const MANAGERS: Role[] = ["owner", "admin"];

/** One organization set up for the matrix (see buildFixture). */
interface Fixture {
  orgId: string;
  name: string;
  slug: string;
  /** A pending invitation (for resend and link). */
  invitationId: string;
  /** A custom role nobody holds. */
  roleKey: string;
}

let t: TestServer;
/** One person per caller kind and per target; the same people join every fixture organization. */
let people: Record<Exclude<Caller, "anonymous">, SignedUpPerson>;
let targets: Record<"role" | "deactivate" | "reactivate" | "remove", SignedUpPerson>;
let shared: Fixture;
let counter = 0;

/**
 * An organization owned by `people.owner` with the admin, member and viewer in their roles, the
 * deactivated caller (an admin, deactivated) and the removed caller (joined, then removed), all done
 * through the API. A `full` fixture also has the targets, a pending invitation and a custom role
 * that the non-destructive procedures work on; the destructive ones only need the remove target.
 */
async function buildFixture(full: boolean): Promise<Fixture> {
  counter += 1;
  const { owner } = people;
  const org = await owner.client.orgs.create.mutate({ name: `Quillfeather Works ${counter}` });
  const orgId = org.id;
  const joining: [SignedUpPerson, string][] = [
    [people.admin, "admin"],
    [people.member, "member"],
    [people.viewer, "viewer"],
    [people.deactivated, "admin"],
    [people.removed, "member"],
    [targets.remove, "member"],
    ...(full
      ? ([
          [targets.role, "member"],
          [targets.deactivate, "member"],
          [targets.reactivate, "member"],
        ] as [SignedUpPerson, string][])
      : []),
  ];
  // One request at a time: the order of events is the same on every run, and few pooled
  // connections are open when the test database is dropped.
  for (const [person, role] of joining) await addMember(t, owner, orgId, person, role);
  await owner.client.members.deactivate.mutate({ orgId, userId: people.deactivated.user.id });
  await owner.client.members.remove.mutate({ orgId, userIds: [people.removed.user.id] });
  if (!full) return { orgId, name: org.name, slug: org.slug, invitationId: "", roleKey: "" };
  await owner.client.members.deactivate.mutate({ orgId, userId: targets.reactivate.user.id });
  const invitationId = await newInvitation(orgId);
  const roleKey = await newRole(orgId);
  return { orgId, name: org.name, slug: org.slug, invitationId, roleKey };
}

async function newInvitation(orgId: string): Promise<string> {
  counter += 1;
  const { results } = await people.owner.client.invitations.create.mutate({
    orgId,
    emails: [`pending.${counter}@example.com`],
    role: "member",
  });
  return results[0]!.invitationId!;
}

async function newRole(orgId: string): Promise<string> {
  counter += 1;
  const key = `auditor-${counter}`;
  await people.owner.client.roles.create.mutate({
    orgId,
    key,
    name: `Auditor ${counter}`,
    permissions: ["members:read", "audit:read"],
  });
  return key;
}

const clientOf = (caller: Caller): RosterClient =>
  caller === "anonymous" ? t.client() : people[caller].client;

const membership = (orgId: string, userId: string) =>
  t.database.db
    .selectFrom("memberships")
    .select(["role", "status"])
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .executeTakeFirst();

interface Procedure {
  path: string;
  /** The permission the procedure needs, or null for any active member. */
  permission: Permission | null;
  /** The built-in roles allowed to call it. */
  allowed: Role[];
  /** A fresh organization for every caller: the call changes who is in it, or deletes it. */
  fresh?: boolean;
  /** Valid input for this fixture (may prepare what the call consumes, e.g. a new invitation). */
  input(fx: Fixture, caller: Caller): Promise<Record<string, unknown>>;
  send(client: RosterClient, input: Record<string, unknown>): Promise<unknown>;
  /** An allowed caller whose valid input is still impossible gets this domain refusal instead. */
  refusal?: Partial<Record<Role, string>>;
  /** Checks what an allowed call did. */
  check?(fx: Fixture, caller: Role, result: unknown): Promise<void> | void;
}

function op<I extends { orgId: string }>(
  path: string,
  permission: Permission | null,
  allowed: Role[],
  input: (fx: Fixture, caller: Caller) => I | Promise<I>,
  send: (client: RosterClient, input: I) => Promise<unknown>,
  extra: Pick<Procedure, "fresh" | "refusal" | "check"> = {},
): Procedure {
  return {
    path,
    permission,
    allowed,
    input: async (fx, caller) => input(fx, caller),
    send: (client, i) => send(client, i as I),
    ...extra,
  };
}

const procedures: Procedure[] = [
  op(
    "orgs.get",
    null,
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.orgs.get.query(i),
    {
      check: (fx, caller, result) =>
        expect(result).toMatchObject({ id: fx.orgId, name: fx.name, role: caller }),
    },
  ),
  op(
    "orgs.update",
    "org:update",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, name: fx.name, metadata: { touched: true } }),
    (c, i) => c.orgs.update.mutate(i),
  ),
  op(
    "orgs.setTwoFactorPolicy",
    "org:update",
    MANAGERS,
    // Turning it off: on, it would hold back every caller of the matrix that has no second factor.
    (fx) => ({ orgId: fx.orgId, required: false }),
    (c, i) => c.orgs.setTwoFactorPolicy.mutate(i),
    { check: (_fx, _caller, result) => expect(result).toEqual({ requireTwoFactor: false }) },
  ),
  op(
    "orgs.setSignInPolicy",
    "org:update",
    MANAGERS,
    // Limits every caller of the matrix is within, and the way they all signed in.
    (fx) => ({
      orgId: fx.orgId,
      sessionMaxAgeMinutes: 90 * 24 * 60,
      allowedSignInMethods: ["password" as const],
    }),
    (c, i) => c.orgs.setSignInPolicy.mutate(i),
    {
      check: (_fx, _caller, result) =>
        expect(result).toMatchObject({
          sessionMaxAgeMinutes: 90 * 24 * 60,
          allowedSignInMethods: ["password"],
        }),
    },
  ),
  op(
    "orgs.delete",
    "org:delete",
    ["owner"],
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.orgs.delete.mutate(i),
    {
      fresh: true,
      check: async (fx) => {
        const org = await t.database.db
          .selectFrom("organizations")
          .select("id")
          .where("id", "=", fx.orgId)
          .executeTakeFirst();
        expect(org).toBeUndefined();
      },
    },
  ),
  op(
    "orgs.setActive",
    null,
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.orgs.setActive.mutate(i),
    {
      check: async (fx, caller) => {
        const user = await t.database.db
          .selectFrom("users")
          .select("last_active_org_id")
          .where("id", "=", people[caller].user.id)
          .executeTakeFirstOrThrow();
        expect(user.last_active_org_id).toBe(fx.orgId);
      },
    },
  ),
  op(
    "orgs.permissions",
    null,
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.orgs.permissions.query(i),
    { check: (_, caller, result) => expect(result).toMatchObject({ role: caller }) },
  ),
  op(
    "orgs.transferOwnership",
    "org:transfer",
    ["owner"],
    (fx) => ({ orgId: fx.orgId, userId: people.admin.user.id }),
    (c, i) => c.orgs.transferOwnership.mutate(i),
    {
      fresh: true,
      check: async (fx) => {
        expect(await membership(fx.orgId, people.admin.user.id)).toMatchObject({ role: "owner" });
        expect(await membership(fx.orgId, people.owner.user.id)).toMatchObject({ role: "admin" });
      },
    },
  ),
  op(
    "invitations.create",
    "members:invite",
    MANAGERS,
    (fx) => ({
      orgId: fx.orgId,
      emails: [`invitee.${fx.orgId.slice(0, 8)}.${++counter}@example.com`],
      role: "member",
    }),
    (c, i) => c.invitations.create.mutate(i),
    { check: (_, __, result) => expect(result).toMatchObject({ results: [{ status: "invited" }] }) },
  ),
  op(
    "invitations.list",
    "members:read",
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.invitations.list.query(i),
    {
      check: (fx, _, result) =>
        expect((result as { items: { id: string }[] }).items.map((i) => i.id)).toContain(fx.invitationId),
    },
  ),
  op(
    "invitations.resend",
    "members:invite",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, invitationId: fx.invitationId }),
    (c, i) => c.invitations.resend.mutate(i),
  ),
  op(
    "invitations.revoke",
    "members:invite",
    MANAGERS,
    async (fx) => ({ orgId: fx.orgId, invitationId: await newInvitation(fx.orgId) }),
    (c, i) => c.invitations.revoke.mutate(i),
    { check: (_, __, result) => expect(result).toMatchObject({ status: "revoked" }) },
  ),
  op(
    "invitations.link",
    "members:invite",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, invitationId: fx.invitationId }),
    (c, i) => c.invitations.link.query(i),
  ),
  op(
    "members.list",
    "members:read",
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.members.list.query(i),
    {
      check: (_, __, result) =>
        expect((result as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
          people.owner.user.id,
        ),
    },
  ),
  op(
    "members.updateRole",
    "members:update_role",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, userId: targets.role.user.id, role: "viewer" }),
    (c, i) => c.members.updateRole.mutate(i),
    {
      check: async (fx) =>
        expect(await membership(fx.orgId, targets.role.user.id)).toMatchObject({ role: "viewer" }),
    },
  ),
  op(
    "members.deactivate",
    "members:deactivate",
    ["owner"],
    (fx) => ({ orgId: fx.orgId, userId: targets.deactivate.user.id }),
    (c, i) => c.members.deactivate.mutate(i),
    {
      check: async (fx) =>
        expect(await membership(fx.orgId, targets.deactivate.user.id)).toMatchObject({
          status: "deactivated",
        }),
    },
  ),
  op(
    "members.reactivate",
    "members:deactivate",
    ["owner"],
    (fx) => ({ orgId: fx.orgId, userId: targets.reactivate.user.id }),
    (c, i) => c.members.reactivate.mutate(i),
    {
      check: async (fx) =>
        expect(await membership(fx.orgId, targets.reactivate.user.id)).toMatchObject({ status: "active" }),
    },
  ),
  op(
    "members.remove",
    "members:remove",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, userIds: [targets.remove.user.id] }),
    (c, i) => c.members.remove.mutate(i),
    {
      fresh: true,
      check: async (fx) => expect(await membership(fx.orgId, targets.remove.user.id)).toBeUndefined(),
    },
  ),
  op(
    "members.leave",
    null,
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.members.leave.mutate(i),
    {
      fresh: true,
      // The owner is the only one: leaving would leave the organization without an owner.
      refusal: { owner: "LAST_OWNER" },
      check: async (fx, caller) => expect(await membership(fx.orgId, people[caller].user.id)).toBeUndefined(),
    },
  ),
  op(
    "roles.list",
    null,
    EVERYONE,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.roles.list.query(i),
    {
      check: (fx, _, result) => expect((result as { key: string }[]).map((r) => r.key)).toContain(fx.roleKey),
    },
  ),
  op(
    "roles.create",
    "roles:manage",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, key: `reader-${++counter}`, name: "Reader", permissions: ["members:read"] }),
    (c, i) => c.roles.create.mutate(i),
  ),
  op(
    "roles.update",
    "roles:manage",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId, key: fx.roleKey, name: "Auditors" }),
    (c, i) => c.roles.update.mutate(i),
  ),
  op(
    "roles.delete",
    "roles:manage",
    MANAGERS,
    async (fx) => ({ orgId: fx.orgId, key: await newRole(fx.orgId) }),
    (c, i) => c.roles.delete.mutate(i),
  ),
  op(
    "audit.list",
    "audit:read",
    MANAGERS,
    (fx) => ({ orgId: fx.orgId }),
    (c, i) => c.audit.list.query(i),
    {
      check: (_, __, result) => expect((result as { items: unknown[] }).items.length).toBeGreaterThan(0),
    },
  ),
];

/**
 * The routers this matrix covers completely: every procedure in them that takes an orgId has a row.
 * A router added here must bring rows for all of its organization procedures.
 */
const ROUTERS = ["orgs", "invitations", "members", "roles", "audit"];

type Expected =
  | { allowed: true; refusal?: string }
  | { allowed: false; code: "UNAUTHORIZED" | "NOT_FOUND" | "FORBIDDEN"; reason: string };

function expected(p: Procedure, caller: Caller): Expected {
  switch (caller) {
    case "anonymous":
      return { allowed: false, code: "UNAUTHORIZED", reason: "UNAUTHENTICATED" };
    case "outsider":
    case "removed":
      return { allowed: false, code: "NOT_FOUND", reason: "ORG_NOT_FOUND" };
    case "deactivated":
      return { allowed: false, code: "FORBIDDEN", reason: "MEMBERSHIP_DEACTIVATED" };
    default:
      return p.allowed.includes(caller)
        ? { allowed: true, ...(p.refusal?.[caller] ? { refusal: p.refusal[caller] } : {}) }
        : { allowed: false, code: "FORBIDDEN", reason: "PERMISSION_DENIED" };
  }
}

const label = (e: Expected) =>
  e.allowed
    ? e.refusal
      ? `allowed (refused by the rules: ${e.refusal})`
      : "allowed"
    : `${e.code} ${e.reason}`;

type Outcome =
  | { ok: true; value: unknown }
  | {
      ok: false;
      code: string;
      reason: string;
      message: string;
      details: Record<string, unknown> | undefined;
      serialized: string;
    };

async function attempt(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    const e = error as {
      message: string;
      data?: { code: string; reason: string; details?: Record<string, unknown> };
      shape?: unknown;
    };
    if (!e.data) throw error;
    return {
      ok: false,
      code: e.data.code,
      reason: e.data.reason,
      message: e.message,
      details: e.data.details,
      serialized: JSON.stringify({ message: e.message, data: e.data, shape: e.shape }),
    };
  }
}

/** Everything about an organization a call could change. */
async function snapshot(orgId: string) {
  const db = t.database.db;
  return {
    org: await db.selectFrom("organizations").selectAll().where("id", "=", orgId).executeTakeFirst(),
    memberships: await db
      .selectFrom("memberships")
      .select(["user_id", "role", "status", "updated_at"])
      .where("org_id", "=", orgId)
      .orderBy("user_id")
      .execute(),
    invitations: await db
      .selectFrom("invitations")
      .select(["id", "status", "send_count", "expires_at", "updated_at"])
      .where("org_id", "=", orgId)
      .orderBy("id")
      .execute(),
    roles: await db
      .selectFrom("roles")
      .select(["key", "name", "permissions", "updated_at"])
      .where("org_id", "=", orgId)
      .orderBy("key")
      .execute(),
    audit: await db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow(),
  };
}

beforeAll(async () => {
  t = await startTestServer();
  // One after another: verifiedPerson drains the outbox for its confirmation email.
  const callers = ["owner", "admin", "member", "viewer", "deactivated", "removed", "outsider"] as const;
  people = {} as typeof people;
  for (const caller of callers) people[caller] = await verifiedPerson(t, `Matrix ${caller}`);
  targets = {} as typeof targets;
  for (const target of ["role", "deactivate", "reactivate", "remove"] as const) {
    targets[target] = await verifiedPerson(t, `Target ${target}`);
  }
  shared = await buildFixture(true);
  await prepareSweep();
});
afterAll(() => t?.close());

describe("the matrix", () => {
  it("covers every procedure of its routers that takes an orgId", () => {
    // tRPC keeps each procedure's input parsers in _def.inputs; orgProcedure's is z.object({ orgId }).
    const procs = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { inputs: { shape?: Record<string, unknown> }[] } }
    >;
    const withOrgId = Object.entries(procs)
      .filter(([path]) => ROUTERS.includes(path.split(".")[0]!))
      .filter(([, proc]) =>
        proc._def.inputs.some((input) => input.shape !== undefined && "orgId" in input.shape),
      )
      .map(([path]) => path)
      .sort();
    expect(procedures.map((p) => p.path).sort()).toEqual(withOrgId);
  });

  it("sets each caller up as intended", async () => {
    const outsiderOrg = await personalOrg(people.outsider);
    expect(await membership(outsiderOrg, people.outsider.user.id)).toMatchObject({ role: "owner" });
    expect(await membership(shared.orgId, people.outsider.user.id)).toBeUndefined();
    expect(await membership(shared.orgId, people.removed.user.id)).toBeUndefined();
    expect(await membership(shared.orgId, people.deactivated.user.id)).toEqual({
      role: "admin",
      status: "deactivated",
    });
    for (const role of ROLES) {
      expect(await membership(shared.orgId, people[role].user.id)).toEqual({ role, status: "active" });
    }
  });
});

for (const p of procedures) {
  describe(`${p.path} (${p.permission ?? "any member"})`, () => {
    it.each(CALLERS.map((caller) => [caller, label(expected(p, caller))] as const))(
      "%s: %s",
      async (caller) => {
        const want = expected(p, caller);
        const fx = p.fresh ? await buildFixture(false) : shared;
        const input = await p.input(fx, caller);
        const before = await snapshot(fx.orgId);
        const outcome = await attempt(p.send(clientOf(caller), input));

        if (want.allowed) {
          if (want.refusal) {
            expect(outcome).toMatchObject({ ok: false, reason: want.refusal });
            expect(await snapshot(fx.orgId)).toEqual(before);
            return;
          }
          expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
          await p.check?.(fx, caller as Role, (outcome as { value: unknown }).value);
          return;
        }

        expect(outcome).toMatchObject({ ok: false, code: want.code, reason: want.reason });
        if (outcome.ok) return;
        if (want.reason === "PERMISSION_DENIED") {
          expect(outcome.details).toEqual({ permission: p.permission });
        }
        if (want.code === "NOT_FOUND") {
          // Someone who is not a member learns nothing about the organization, not even its name.
          expect(outcome.serialized).not.toContain(fx.name);
          expect(outcome.serialized).not.toContain(fx.slug);
          const elsewhere = await attempt(p.send(clientOf(caller), { ...input, orgId: randomUUID() }));
          // ...and cannot tell it from an organization that does not exist.
          expect(elsewhere).toEqual({ ...outcome, serialized: expect.any(String) });
        }
        expect(await snapshot(fx.orgId)).toEqual(before);
      },
    );
  });
}

// ---- every procedure, generated from the router ----

/**
 * What every procedure of the router requires. `org` procedures are refused at the door
 * (orgProcedure) without their permission; `workspace` ones check it in the workspace concerned, so
 * they are called with a valid input in workspace W1. A procedure that is not declared here fails
 * the coverage test: a new procedure must say who may call it.
 */
type Requirement =
  | { kind: "account" }
  | { kind: "host" }
  | { kind: "org"; permission: Permission | null; destructive?: true }
  | {
      kind: "workspace";
      permission: Permission | null;
      input: () => Promise<Record<string, unknown>>;
    };

const account = { kind: "account" } as const;
const host = { kind: "host" } as const;
const org = (permission: Permission | null, destructive?: true): Requirement =>
  destructive ? { kind: "org", permission, destructive } : { kind: "org", permission };
const inWorkspace = (
  permission: Permission | null,
  input: () => Promise<Record<string, unknown>>,
): Requirement => ({ kind: "workspace", permission, input });

/** Workspaces and resources of the shared organization the sweep works in. */
let sweep: { w1: string; w2: string; resource: string };
let sweepCounter = 0;
const freshResource = async () =>
  (
    await people.owner.client.resources.register.mutate({
      orgId: shared.orgId,
      type: "cluster",
      name: `sweep-${++sweepCounter}`,
      workspaceId: sweep.w1,
    })
  ).id;
const freshChild = async () =>
  (
    await people.owner.client.workspaces.create.mutate({
      orgId: shared.orgId,
      name: `Child ${++sweepCounter}`,
      parentId: sweep.w1,
    })
  ).id;
const byResource = async () => ({ resourceId: await freshResource() });

const REQUIREMENTS: Record<string, Requirement> = {
  "auth.signUp": account,
  "auth.signIn": account,
  "auth.signOut": account,
  "auth.me": account,
  "auth.verifyEmail": account,
  "auth.resendVerification": account,
  "auth.requestPasswordReset": account,
  "auth.resetPassword": account,
  "auth.updateProfile": account,
  "auth.changePassword": account,
  "auth.changeEmail": account,
  "auth.sessions": account,
  "auth.revokeSession": account,
  "auth.revokeOtherSessions": account,
  "auth.deleteAccount": account,
  "auth.socialProviders": account,
  "auth.identities": account,
  "auth.linkIdentity": account,
  "auth.unlinkIdentity": account,
  "sso.start": account,
  "sso.get": org("domains:manage"),
  "sso.configure": org("domains:manage"),
  "sso.setEnforcement": org("domains:manage"),
  "sso.test": org("domains:manage"),
  "sso.delete": org("domains:manage"),
  "dev.mailbox": account,
  "twoFactor.status": account,
  "twoFactor.startTotp": account,
  "twoFactor.confirmTotp": account,
  "twoFactor.disableTotp": account,
  "twoFactor.regenerateRecoveryCodes": account,
  "twoFactor.verifyCode": account,
  "twoFactor.passkeyOptions": account,
  "twoFactor.verifyPasskey": account,
  "passkeys.list": account,
  "passkeys.startRegistration": account,
  "passkeys.finishRegistration": account,
  "passkeys.rename": account,
  "passkeys.remove": account,
  "passkeys.startSignIn": account,
  "passkeys.finishSignIn": account,
  "embed.createToken": host,
  "embed.revokeTokens": host,
  "embed.startLink": host,
  "embed.previewLink": account,
  "embed.completeLink": account,
  "embed.setSeatLimit": host,
  "host.get": host,
  "host.update": host,
  "orgs.create": account,
  "orgs.list": account,
  "orgs.get": org(null),
  "orgs.update": org("org:update"),
  "orgs.delete": org("org:delete", true),
  "orgs.setActive": org(null),
  "orgs.permissions": org(null),
  "orgs.transferOwnership": org("org:transfer"),
  "orgs.setTwoFactorPolicy": org("org:update"),
  "orgs.setSignInPolicy": org("org:update"),
  "invitations.create": org("members:invite"),
  "invitations.list": org("members:read"),
  "invitations.resend": org("members:invite"),
  "invitations.revoke": org("members:invite"),
  "invitations.link": org("members:invite"),
  "invitations.mine": account,
  "invitations.preview": account,
  "invitations.accept": account,
  "invitations.decline": account,
  "invitations.declineLink": account,
  "members.list": org("members:read"),
  "members.updateRole": org("members:update_role"),
  "members.deactivate": org("members:deactivate"),
  "members.reactivate": org("members:deactivate"),
  "members.remove": org("members:remove"),
  "members.leave": org(null, true),
  "roles.list": org(null),
  "roles.create": org("roles:manage"),
  "roles.update": org("roles:manage"),
  "roles.delete": org("roles:manage"),
  "roles.catalogue": account,
  "audit.list": org("audit:read"),
  "workspaces.list": org("workspaces:read"),
  "workspaces.get": org("workspaces:read"),
  "workspaces.permissions": org(null),
  "workspaces.create": inWorkspace("workspaces:manage", async () => ({
    name: `New ${++sweepCounter}`,
    parentId: sweep.w1,
  })),
  "workspaces.update": inWorkspace("workspaces:manage", async () => ({
    workspaceId: await freshChild(),
    name: `Renamed ${++sweepCounter}`,
  })),
  "workspaces.delete": inWorkspace("workspaces:manage", async () => ({ workspaceId: await freshChild() })),
  "workspaces.grants": inWorkspace("workspaces:read", async () => ({ workspaceId: sweep.w1 })),
  "workspaces.grant": inWorkspace("workspaces:manage", async () => ({
    workspaceId: sweep.w1,
    principal: { userId: targets.role.user.id },
    role: "viewer",
  })),
  "workspaces.revoke": inWorkspace("workspaces:manage", async () => ({
    workspaceId: sweep.w1,
    principal: { userId: targets.role.user.id },
  })),
  "groups.list": org("workspaces:read"),
  "groups.get": org("workspaces:read"),
  "groups.create": org("workspaces:manage"),
  "groups.update": org("workspaces:manage"),
  "groups.delete": org("workspaces:manage"),
  "groups.addMembers": org("workspaces:manage"),
  "groups.removeMember": org("workspaces:manage"),
  "serviceAccounts.list": org("members:read"),
  "serviceAccounts.create": org("service_accounts:manage"),
  "serviceAccounts.update": org("service_accounts:manage"),
  "serviceAccounts.delete": org("service_accounts:manage"),
  "serviceAccounts.createKey": org("service_accounts:manage"),
  "serviceAccounts.keys": org("service_accounts:manage"),
  "serviceAccounts.revokeKey": org("service_accounts:manage"),
  "settings.list": org("settings:read"),
  "settings.get": org("settings:read"),
  "settings.set": org("settings:write"),
  "settings.setSecret": org("settings:write"),
  "settings.delete": org("settings:write"),
  // Everyone may list; those without resources:read see only what their workspace grants give them.
  "resources.list": inWorkspace(null, async () => ({ workspaceId: sweep.w1 })),
  "resources.register": inWorkspace("resources:create", async () => ({
    type: "cluster",
    name: `registered-${++sweepCounter}`,
    workspaceId: sweep.w1,
  })),
  "resources.get": inWorkspace("resources:read", async () => ({ resourceId: sweep.resource })),
  "resources.update": inWorkspace("resources:manage", async () => ({
    resourceId: await freshResource(),
    name: "renamed",
  })),
  "resources.start": inWorkspace("resources:operate", byResource),
  "resources.stop": inWorkspace("resources:operate", byResource),
  "resources.terminate": inWorkspace("resources:operate", byResource),
  "resources.transfer": inWorkspace("resources:manage", async () => ({
    resourceId: await freshResource(),
    toUserId: people.member.user.id,
  })),
  "resources.delete": inWorkspace("resources:manage", byResource),
  "usage.record": org("usage:write"),
  "usage.report": org("usage:read"),
  "usage.balance": org("usage:read"),
  "usage.grantCredits": org("credits:manage"),
  "usage.creditGrants": org("usage:read"),
  "events.list": org("events:read"),
  "events.listAll": host,
  "webhooks.events": org("webhooks:manage"),
  "webhooks.list": org("webhooks:manage"),
  "webhooks.get": org("webhooks:manage"),
  "webhooks.create": org("webhooks:manage"),
  "webhooks.update": org("webhooks:manage"),
  "webhooks.rotateSecret": org("webhooks:manage"),
  "webhooks.delete": org("webhooks:manage"),
  "webhooks.deliveries": org("webhooks:manage"),
  "webhooks.sendTest": org("webhooks:manage"),
  "domains.list": org("domains:manage"),
  "domains.add": org("domains:manage"),
  "domains.verify": org("domains:manage"),
  "domains.remove": org("domains:manage"),
  "webhooks.replay": org("webhooks:manage"),
  "domains.setEnrollment": org("domains:manage"),
  "joinRequests.suggestions": account,
  "joinRequests.create": account,
  "joinRequests.withdraw": account,
  "joinRequests.list": org("members:read"),
  "joinRequests.approve": org("members:invite"),
  "joinRequests.reject": org("members:invite"),
  "scim.get": org("scim:manage"),
  "scim.createToken": org("scim:manage"),
  "scim.revokeToken": org("scim:manage"),
  "scim.setDefaultRole": org("scim:manage"),
  "scim.mapGroupRole": org("scim:manage"),
};

/** A custom role with two reading permissions; a viewer with admin on W2 (not W1). */
const WEAK: Permission[] = ["members:read", "usage:read"];
type SweepCaller = Caller | "weak" | "scoped";
const SWEEP_CALLERS: SweepCaller[] = [...CALLERS, "weak", "scoped"];
let sweepers: Record<"weak" | "scoped", SignedUpPerson>;

async function prepareSweep(): Promise<void> {
  const { owner } = people;
  const orgId = shared.orgId;
  sweepers = {
    weak: await verifiedPerson(t, "Matrix weak"),
    scoped: await verifiedPerson(t, "Matrix scoped"),
  };
  await owner.client.roles.create.mutate({ orgId, key: "weak", name: "Weak", permissions: WEAK });
  await addMember(t, owner, orgId, sweepers.weak, "weak");
  await addMember(t, owner, orgId, sweepers.scoped, "viewer");
  const w1 = (await owner.client.workspaces.create.mutate({ orgId, name: "W1" })).id;
  const w2 = (await owner.client.workspaces.create.mutate({ orgId, name: "W2" })).id;
  await owner.client.workspaces.grant.mutate({
    orgId,
    workspaceId: w2,
    principal: { userId: sweepers.scoped.user.id },
    role: "admin",
  });
  sweep = { w1, w2, resource: "" };
  sweep.resource = await freshResource();
}

const sweepClient = (caller: SweepCaller): RosterClient =>
  caller === "weak" || caller === "scoped" ? sweepers[caller].client : clientOf(caller);

function holds(caller: SweepCaller, permission: Permission | null): boolean {
  if (permission === null) return true;
  if (caller === "weak") return WEAK.includes(permission);
  const role = caller === "scoped" ? "viewer" : caller;
  return BUILT_IN_ROLES.find((r) => r.key === role)!.permissions.includes(permission);
}

/** Calls a procedure by its path over HTTP, with the client's untyped proxy. */
function call(client: RosterClient, path: string, input: Record<string, unknown>): Promise<unknown> {
  const proc = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client);
  const type = (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!
    ._def.type;
  const fn = (proc as Record<string, (i: unknown) => Promise<unknown>>)[
    type === "query" ? "query" : "mutate"
  ]!;
  return fn(input);
}

/** A fingerprint of every row of the organization, in every table that has an org_id. */
async function fingerprint(orgId: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'org_id' and table_schema = 'public' order by table_name`.execute(t.database.db);
  const out: Record<string, string> = {};
  for (const { table_name } of rows) {
    const r = await sql<{ f: string | null }>`
      select md5(string_agg(x::text, ',' order by x::text)) as f
      from ${sql.table(table_name)} x where x.org_id = ${orgId}`.execute(t.database.db);
    out[table_name] = r.rows[0]?.f ?? "";
  }
  return out;
}

describe("every procedure", () => {
  const procs = () =>
    appRouter._def.procedures as unknown as Record<
      string,
      { _def: { inputs: { shape?: Record<string, unknown> }[] } }
    >;
  const takesOrgId = (path: string) =>
    procs()[path]!._def.inputs.some((input) => input.shape !== undefined && "orgId" in input.shape);

  it("has a declared requirement, and organization procedures are exactly those taking an orgId", () => {
    expect(Object.keys(REQUIREMENTS).sort()).toEqual(Object.keys(procs()).sort());
    for (const [path, req] of Object.entries(REQUIREMENTS)) {
      const scoped = req.kind === "org" || req.kind === "workspace";
      // Host procedures may name an organization; the host key, not a membership, authorizes them.
      // Asking to join names an organization one is not a member of (yet).
      const outsider = req.kind === "host" || path === "joinRequests.create";
      expect(takesOrgId(path) && !outsider, path).toBe(scoped);
    }
    // The detailed matrix above agrees with the declarations.
    for (const p of procedures)
      expect(REQUIREMENTS[p.path], p.path).toMatchObject({ permission: p.permission });
  });

  const scopedPaths = Object.entries(REQUIREMENTS).filter(
    (e): e is [string, Extract<Requirement, { kind: "org" | "workspace" }>] =>
      e[1].kind === "org" || e[1].kind === "workspace",
  );

  it.each(scopedPaths.map(([path, req]) => [path, req.permission ?? "any member"] as const))(
    "%s (%s): refused without the permission, for the right reason, changing nothing",
    async (path) => {
      const req = REQUIREMENTS[path] as Extract<Requirement, { kind: "org" | "workspace" }>;
      const orgId = shared.orgId;
      const inputs = new Map<SweepCaller, Record<string, unknown>>();
      for (const caller of SWEEP_CALLERS) {
        inputs.set(caller, { orgId, ...(req.kind === "workspace" ? await req.input() : {}) });
      }
      const expectation = (caller: SweepCaller) => {
        if (caller === "anonymous") return { code: "UNAUTHORIZED", reason: "UNAUTHENTICATED" };
        if (caller === "outsider" || caller === "removed")
          return { code: "NOT_FOUND", reason: "ORG_NOT_FOUND" };
        if (caller === "deactivated") return { code: "FORBIDDEN", reason: "MEMBERSHIP_DEACTIVATED" };
        return holds(caller, req.permission) ? null : { code: "FORBIDDEN", reason: "PERMISSION_DENIED" };
      };
      // The refused callers all at once: nothing in the organization may change.
      const refused = SWEEP_CALLERS.filter((c) => expectation(c) !== null);
      const before = await fingerprint(orgId);
      const outcomes = await Promise.all(
        refused.map((c) => attempt(call(sweepClient(c), path, inputs.get(c)!))),
      );
      refused.forEach((caller, i) => {
        const want = expectation(caller)!;
        const got = outcomes[i]!;
        expect(got, `${caller}: ${JSON.stringify(got)}`).toMatchObject({ ok: false, ...want });
        if (!got.ok && want.reason === "PERMISSION_DENIED") {
          expect(got.details, caller).toMatchObject({ permission: req.permission });
        }
      });
      expect(await fingerprint(orgId)).toEqual(before);
      // The allowed callers get past the door: whatever they meet next is not an access refusal.
      const allowed = SWEEP_CALLERS.filter((c) => expectation(c) === null);
      if (req.kind === "org" && req.destructive) return; // covered with fresh organizations above
      const passed = await Promise.all(
        allowed.map((c) => attempt(call(sweepClient(c), path, inputs.get(c)!))),
      );
      allowed.forEach((caller, i) => {
        const got = passed[i]!;
        if (!got.ok) {
          expect(
            ["PERMISSION_DENIED", "ORG_NOT_FOUND", "MEMBERSHIP_DEACTIVATED", "UNAUTHENTICATED"],
            `${caller}: ${got.reason} ${got.message}`,
          ).not.toContain(got.reason);
        }
      });
    },
  );
});

describe("the catalogue a role editor shows", () => {
  it("names every permission with a sentence, to any signed-in person, and to nobody else", async () => {
    const catalogue = await people.viewer.client.roles.catalogue.query();
    const owner = BUILT_IN_ROLES.find((r) => r.key === "owner")!;
    expect(catalogue.map((p) => p.key)).toEqual([...owner.permissions]);
    for (const p of catalogue) expect(p.description).toMatch(/^[A-Z].{8,}[a-z]$/);
    expect(catalogue.find((p) => p.key === "members:invite")?.description).toBe(
      "Invite people, resend, revoke and copy invitation links",
    );
    expect(await attempt(clientOf("anonymous").roles.catalogue.query())).toMatchObject({
      ok: false,
      reason: "UNAUTHENTICATED",
    });
  });
});
