import type { Database } from "@roster/db";
import { type Kysely, sql } from "kysely";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { OrgAccess } from "./access.js";

/**
 * The people of an organization as SCIM Users: every person with a membership (active or
 * deactivated), with what the identity provider said about them when it provisioned or updated
 * them (`scim_users`). Service accounts are not users of a directory and are never listed.
 */
export interface ScimUserRecord {
  userId: string;
  userName: string;
  externalId: string | null;
  email: string;
  name: string;
  active: boolean;
  /** Attributes kept as the provider sent them (name parts, title, the enterprise extension…). */
  profile: Record<string, unknown>;
  groups: { id: string; name: string }[];
  createdAt: Date;
  updatedAt: Date;
}

/** A filter the list serves from an index: each named attribute equal to the value (all must hold). */
export interface ScimUserQuery {
  id?: string[];
  userName?: string[];
  externalId?: string[];
  email?: string[];
}

export const scimUserNotFound = () =>
  notFound("MEMBER_NOT_FOUND", "This user is not a member of the organization.");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function baseQuery(db: Kysely<Database>, orgId: string) {
  return db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("scim_users as s", (j) =>
      j.onRef("s.org_id", "=", "m.org_id").onRef("s.user_id", "=", "m.user_id"),
    )
    .where("m.org_id", "=", orgId)
    .where("u.kind", "=", "person");
}

/** The user ids that satisfy `query`, each condition looked up by its own index; null: no condition. */
async function candidates(
  db: Kysely<Database>,
  orgId: string,
  query: ScimUserQuery,
): Promise<string[] | null> {
  let ids: Set<string> | null = null;
  const narrow = (found: string[]) => {
    ids = ids === null ? new Set(found) : new Set(found.filter((id) => (ids as Set<string>).has(id)));
  };
  for (const id of query.id ?? []) narrow(UUID.test(id) ? [id.toLowerCase()] : []);
  for (const name of query.userName ?? []) {
    const lower = name.toLowerCase();
    const named = await db
      .selectFrom("scim_users")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where((eb) => eb(eb.fn("lower", ["user_name"]), "=", lower))
      .execute();
    // A member the provider never named goes by their address.
    const byAddress = await db
      .selectFrom("users as u")
      .select("u.id")
      .where((eb) => eb(eb.fn("lower", ["u.email"]), "=", lower))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("scim_users as s")
              .select("s.user_id")
              .where("s.org_id", "=", orgId)
              .whereRef("s.user_id", "=", "u.id"),
          ),
        ),
      )
      .execute();
    narrow([...named.map((r) => r.user_id), ...byAddress.map((r) => r.id)]);
  }
  for (const externalId of query.externalId ?? []) {
    const rows = await db
      .selectFrom("scim_users")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where("external_id", "=", externalId)
      .execute();
    narrow(rows.map((r) => r.user_id));
  }
  for (const email of query.email ?? []) {
    const rows = await db
      .selectFrom("users")
      .select("id")
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
      .execute();
    narrow(rows.map((r) => r.id));
  }
  return ids === null ? null : [...(ids as Set<string>)];
}

type Row = {
  user_id: string;
  status: string;
  created_at: Date;
  updated_at: Date;
  email: string;
  name: string;
  user_name: string | null;
  external_id: string | null;
  profile: Record<string, unknown> | null;
  scim_updated_at: Date | null;
};

async function toRecords(db: Kysely<Database>, orgId: string, rows: Row[]): Promise<ScimUserRecord[]> {
  const ids = rows.map((r) => r.user_id);
  const groups =
    ids.length === 0
      ? []
      : await db
          .selectFrom("group_members as gm")
          .innerJoin("groups as g", "g.id", "gm.group_id")
          .select(["gm.user_id", "g.id", "g.name"])
          .where("gm.org_id", "=", orgId)
          .where("gm.user_id", "in", ids)
          .orderBy("g.name")
          .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    userName: r.user_name ?? r.email,
    externalId: r.external_id,
    email: r.email,
    name: r.name,
    active: r.status === "active",
    profile: r.profile ?? {},
    groups: groups.filter((g) => g.user_id === r.user_id).map((g) => ({ id: g.id, name: g.name })),
    createdAt: r.created_at,
    updatedAt: r.scim_updated_at && r.scim_updated_at > r.updated_at ? r.scim_updated_at : r.updated_at,
  }));
}

const COLUMNS = [
  "m.user_id",
  "m.status",
  "m.created_at",
  "m.updated_at",
  "u.email",
  "u.name",
  "s.user_name",
  "s.external_id",
  "s.profile",
  "s.updated_at as scim_updated_at",
] as const;

/**
 * A membership of a person: the few accounts that are not people (service accounts) are looked up
 * by their own small index, so neither a count nor a page reads every account of the deployment.
 */
const ofAPerson = sql<boolean>`not exists (
  select 1 from users x where x.id = m.user_id and x.kind <> 'person'
)`;

/**
 * One page of users (SCIM's 1-based `startIndex` and `count`), in user id order along the
 * membership primary key: the page's memberships first, then their people and what the provider
 * said of them; filtered lists look their candidates up by index first.
 */
export async function listScimUsers(
  deps: Deps,
  access: OrgAccess,
  query: ScimUserQuery,
  page: { startIndex: number; count: number },
): Promise<{ total: number; items: ScimUserRecord[] }> {
  const ids = await candidates(deps.db, access.orgId, query);
  if (ids !== null && ids.length === 0) return { total: 0, items: [] };
  // Counted as getOrganization counts members: a subquery per organization, along its index.
  const counted = await deps.db
    .selectFrom("organizations as o")
    .where("o.id", "=", access.orgId)
    .select((eb) =>
      eb
        .selectFrom("memberships as m")
        .whereRef("m.org_id", "=", "o.id")
        .where(ofAPerson)
        .$if(ids !== null, (q) => q.where("m.user_id", "in", ids ?? []))
        .select(eb.fn.countAll<string>().as("n"))
        .as("n"),
    )
    .executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  if (page.count === 0) return { total, items: [] };
  let memberships = deps.db
    .selectFrom("memberships as m")
    .where("m.org_id", "=", access.orgId)
    .where(ofAPerson);
  if (ids !== null) memberships = memberships.where("m.user_id", "in", ids);
  const rows = await deps.db
    .selectFrom(
      memberships
        .select(["m.org_id", "m.user_id", "m.status", "m.created_at", "m.updated_at"])
        .orderBy("m.user_id")
        .offset(page.startIndex - 1)
        .limit(page.count)
        .as("m"),
    )
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("scim_users as s", (j) =>
      j.onRef("s.org_id", "=", "m.org_id").onRef("s.user_id", "=", "m.user_id"),
    )
    .select(COLUMNS)
    .orderBy("m.user_id")
    .execute();
  return { total, items: await toRecords(deps.db, access.orgId, rows) };
}

export async function getScimUser(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
): Promise<ScimUserRecord> {
  if (!UUID.test(userId)) throw scimUserNotFound();
  const row = await baseQuery(db, orgId).select(COLUMNS).where("m.user_id", "=", userId).executeTakeFirst();
  if (!row) throw scimUserNotFound();
  const [record] = await toRecords(db, orgId, [row]);
  return record as ScimUserRecord;
}
