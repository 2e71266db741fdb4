import type { Database } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { encodeCursor } from "../src/domain/cursors.js";

const FIRST_NAMES = [
  "Ada",
  "Ben",
  "Cleo",
  "Dev",
  "Eli",
  "Fay",
  "Gus",
  "Hana",
  "Ivo",
  "Jun",
  "Kai",
  "Lea",
  "Milo",
  "Nia",
  "Omar",
  "Pia",
  "Quin",
  "Rosa",
  "Sam",
  "Tove",
  "Uma",
  "Vik",
  "Wren",
  "Xena",
  "Yuki",
  "Zoe",
];

export interface SeededOrg {
  orgId: string;
  name: string;
  /** Members seeded (not counting `owner`). */
  members: number;
  /** Pending invitations seeded, expired ones included. */
  pendingInvitations: number;
  /** The newest seeded membership's created_at; the oldest is `members / 3` minutes before it. */
  newest: Date;
}

/**
 * Seeds one organization straight into the database: `members` people (users and memberships,
 * three joining in each minute, newest at `now - 1 hour`; every 50th deactivated, every 100th an
 * admin, every 10th a viewer, every 1000th a custom "auditor", every 500th a service account),
 * `invitations` pending invitations spread over the same time (a quarter of them expired),
 * `acceptedInvitations` accepted ones (history the member list skips), and an optional `owner` (an
 * existing user) as its oldest member. Names are "<First> <Hex>"; addresses `m<i>@<domain>` and
 * `i<j>@<domain>`. Runs `analyze` on the tables it filled.
 */
export async function seedOrganization(
  db: Kysely<Database>,
  options: {
    name: string;
    slug: string;
    domain: string;
    members: number;
    invitations: number;
    acceptedInvitations?: number;
    now: Date;
    owner?: string;
  },
): Promise<SeededOrg> {
  const { members, invitations, now, domain } = options;
  const newest = new Date(now.getTime() - 60 * 60 * 1000);
  const org = await db
    .insertInto("organizations")
    .values({
      name: options.name,
      slug: options.slug,
      metadata: "{}",
      created_at: new Date(newest.getTime() - 400 * 24 * 3600 * 1000),
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const firstNames = sql.val(FIRST_NAMES);

  // One statement: the series is materialised once, so each user id goes to exactly one membership.
  await sql`
    with seq as materialized (
      select i, gen_random_uuid() as id from generate_series(1, ${members}::int) as i
    ),
    new_users as (
      insert into users (id, kind, email, name, email_verified_at, created_at, updated_at)
      select id,
        case when i % 500 = 3 then 'service_account' else 'person' end,
        'm' || i || '@' || ${domain}::text,
        (${firstNames}::text[])[1 + i % 26] || ' ' || initcap(substr(md5(i::text), 1, 6)),
        ${newest}::timestamptz, ${newest}::timestamptz, ${newest}::timestamptz
      from seq
    )
    insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at, deactivated_at)
    select ${org.id}::uuid, id,
      case when i % 1000 = 7 then 'auditor' when i % 100 = 0 then 'admin'
           when i % 10 = 1 then 'viewer' else 'member' end,
      case when i % 50 = 0 then 'deactivated' else 'active' end,
      jsonb_build_object('seq', i),
      ${newest}::timestamptz - (i / 3) * interval '1 minute',
      ${newest}::timestamptz,
      case when i % 50 = 0 then ${newest}::timestamptz end
    from seq
  `.execute(db);

  if (options.owner) {
    await db
      .insertInto("memberships")
      .values({
        org_id: org.id,
        user_id: options.owner,
        role: "owner",
        status: "active",
        metadata: "{}",
        created_at: new Date(newest.getTime() - (members / 3 + 60) * 60 * 1000),
        updated_at: now,
      })
      .execute();
  }

  // Invitations are spread over the members' time span; accepted ones are history the list skips.
  const span = Math.max(1, Math.floor(members / 3));
  await sql`
    insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, expires_at,
      send_count, last_sent_at, created_at, updated_at)
    select ${org.id}::uuid, 'i' || j || '@' || ${domain}::text,
      case when j % 10 = 1 then 'viewer' else 'member' end,
      case when j <= ${invitations}::int then 'pending' else 'accepted' end,
      decode(md5(${org.id}::text || ':' || j), 'hex'), 'sealed',
      '{}'::jsonb,
      case when j % 4 = 0 then ${now}::timestamptz - interval '1 day'
           else ${now}::timestamptz + interval '6 days' end,
      1, ${newest}::timestamptz,
      ${newest}::timestamptz - ((j * 7919) % ${span}::int) * interval '1 minute' - interval '20 seconds',
      ${newest}::timestamptz
    from generate_series(1, ${invitations + (options.acceptedInvitations ?? 0)}::int) as j
  `.execute(db);

  await sql`analyze users, memberships, invitations, organizations`.execute(db);
  return { orgId: org.id, name: options.name, members, pendingInvitations: invitations, newest };
}

/** The organization of the benchmarks and plan tests, plus a few small ones around it. */
export async function seedBigOrganization(
  db: Kysely<Database>,
  options: { now: Date; owner: string; members?: number; invitations?: number },
): Promise<SeededOrg> {
  for (let k = 1; k <= 5; k++) {
    await seedOrganization(db, {
      name: `Small Org ${k}`,
      slug: `small-org-${k}`,
      domain: `small${k}.example.com`,
      members: 20,
      invitations: 10,
      acceptedInvitations: 5,
      now: options.now,
    });
  }
  return seedOrganization(db, {
    name: "Big Org",
    slug: "big-org",
    domain: "big.example.com",
    members: options.members ?? 100_000,
    invitations: options.invitations ?? 1_000,
    acceptedInvitations: 10_000,
    now: options.now,
    owner: options.owner,
  });
}

/**
 * The members.list cursor that the page ending at member number `offset` (newest first) hands
 * out: `cursorAt(db, orgId, 500 * 50)` is the cursor of the 500th page of 50.
 */
export async function cursorAt(db: Kysely<Database>, orgId: string, offset: number): Promise<string> {
  const row = await db
    .selectFrom("memberships")
    .select(["created_at", "user_id"])
    .where("org_id", "=", orgId)
    .orderBy("created_at", "desc")
    .orderBy("user_id", "desc")
    .offset(offset - 1)
    .limit(1)
    .executeTakeFirstOrThrow();
  return encodeCursor(row.created_at, row.user_id);
}
