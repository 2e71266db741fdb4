import { type Database, isPrepared } from "@roster/db";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSessionToken } from "../src/auth/sessions.js";
import { hashSecret } from "../src/auth/tokens.js";
import { loadConfig } from "../src/config.js";
import { loadOrgAccess } from "../src/domain/access.js";
import { encodeCursor } from "../src/domain/cursors.js";
import { myInvitations, previewInvitation } from "../src/domain/invitation-acceptance.js";
import { createInvitations, listInvitations } from "../src/domain/invitations.js";
import { listMembers } from "../src/domain/member-list.js";
import { listMyOrganizations } from "../src/domain/organizations.js";
import { listScimUsers } from "../src/domain/scim-user-list.js";
import { OutboxWorker } from "../src/outbox/worker.js";
import { createRoster, type Roster } from "../src/server.js";
import { silentLogger } from "./helpers.js";

// The queries behind every hot call, as the code sends them, with real parameters, planned by
// Postgres on 1,000,000 memberships (10,000 organizations, one of 100,000 members), 400,000
// people, 100,000 sessions, 50,000 finished outbox messages and the big organization's 100,000
// people as its identity provider named them (SCIM): none may read a large table whole.

/** A table larger than this read by a sequential scan fails the test. */
const LARGE_TABLE_ROWS = 5_000;
const ORGANIZATIONS = 10_000;
const BIG_ORG_MEMBERS = 100_000;
const PER_OTHER_ORG = 90; // 9,999 × 90 + 100,000 ≈ 1,000,000 memberships
const USERS = 400_000;
const SESSIONS = 100_000;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Plan Rows"?: number;
  Plans?: PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

let database: TestDatabase;
let pool: pg.Pool;
let tearingDown = false;
let captured: CompiledQuery[] = [];
let roster: Roster;
const now = new Date("2026-06-01T12:00:00Z");
const big = "00000000-0000-4000-8000-000000000001";
const person = "00000000-0000-4000-8000-000000000077";
const session = { id: "plansession", secret: "plansecret" };
const inviteToken = "plan-invitation-token";

beforeAll(async () => {
  database = await createTestDatabase();
  const seeded = Date.now();
  await database.db.connection().execute(async (db) => {
    // A bulk load: foreign-key triggers off for this connection (every reference is made valid by
    // construction) and secondary indexes built once at the end rather than row by row.
    await sql`set session_replication_role = replica`.execute(db);
    // A version-4-shaped uuid from a label (cursors check the version and variant digits).
    await sql`create function pg_temp.id(label text) returns uuid language sql immutable as $$
      select (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid
      from (select md5(label) as h) as x $$`.execute(db);
    const { rows: indexes } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = 'public' and i.tablename in ('users', 'memberships', 'invitations', 'sessions', 'outbox', 'roles')
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db);
    for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(db);
    // Ids derived from sequence numbers (pg_temp.id), so no lookups.
    await sql`insert into organizations (id, name, slug, metadata, created_at, updated_at)
    select case when k = 1 then ${big}::uuid else pg_temp.id('o' || k) end, 'Org ' || k, 'org-' || k, '{}',
      ${now}::timestamptz - interval '400 days', ${now}
    from generate_series(1, ${ORGANIZATIONS}::int) as k`.execute(db);
    await sql`insert into users (id, kind, email, name, email_verified_at, created_at, updated_at)
    select case when i = 77 then ${person}::uuid else pg_temp.id('u' || i) end, 'person',
      'm' || i || '@plans.example.com', 'Name ' || substr(md5(i::text), 1, 6), ${now}, ${now}, ${now}
    from generate_series(1, ${USERS}::int) as i`.execute(db);
    const user = sql`case when u = 77 then ${person}::uuid else pg_temp.id('u' || u) end`;
    await sql`insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at)
    select ${big}::uuid, ${user}, case when u % 10 = 1 then 'viewer' else 'member' end,
      case when u % 50 = 0 then 'deactivated' else 'active' end, '{}',
      ${now}::timestamptz - (u / 3) * interval '1 minute', ${now}
    from generate_series(1, ${BIG_ORG_MEMBERS}::int) as u`.execute(db);
    await sql`insert into scim_users (org_id, user_id, user_name, external_id, created_at, updated_at)
    select ${big}::uuid, ${user}, 'm' || u || '@plans.example.com', 'ext-' || u, ${now}, ${now}
    from generate_series(1, ${BIG_ORG_MEMBERS}::int) as u`.execute(db);
    await sql`insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at)
    select pg_temp.id('o' || k), ${user}, case when j = 0 then 'owner' else 'member' end, 'active', '{}',
      ${now}::timestamptz - j * interval '1 hour', ${now}
    from generate_series(2, ${ORGANIZATIONS}::int) as k, generate_series(0, ${PER_OTHER_ORG - 1}::int) as j,
      lateral (select ((k * ${PER_OTHER_ORG} + j) % ${USERS}) + 1 as u) as x
    where x.u > ${BIG_ORG_MEMBERS}`.execute(db);
    await sql`insert into roles (org_id, key, name, permissions, created_at, updated_at)
    select pg_temp.id('o' || k), 'auditor', 'Auditor', array['members:read'], ${now}, ${now}
    from generate_series(2, ${ORGANIZATIONS}::int) as k`.execute(db);
    await sql`insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, expires_at,
      send_count, last_sent_at, created_at, updated_at)
    select case when k = 1 then ${big}::uuid else pg_temp.id('o' || k) end, 'i' || j || '.' || k || '@invited.example.com',
      'member', case when j % 3 = 0 then 'accepted' else 'pending' end,
      decode(md5('inv:' || k || ':' || j), 'hex'), 'sealed', '{}', ${now}::timestamptz + interval '6 days', 1,
      ${now}, ${now}::timestamptz - j * interval '7 minutes', ${now}
    from generate_series(1, ${ORGANIZATIONS}::int) as k, generate_series(1, 3) as j`.execute(db);
    await sql`insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, expires_at,
      send_count, last_sent_at, created_at, updated_at)
    values (${big}, 'm77@plans.example.com', 'member', 'pending', ${Buffer.from(hashSecret(inviteToken))}, 'sealed',
      '{}', ${now}::timestamptz + interval '6 days', 1, ${now}, ${now}, ${now})`.execute(db);
    await sql`insert into sessions (id, user_id, secret_hash, created_at, expires_at, last_seen_at, kind)
    select case when i = 1 then ${session.id} else 's' || i end,
      case when i = 1 or i = 77 then ${person}::uuid else pg_temp.id('u' || i) end,
      case when i = 1 then ${Buffer.from(hashSecret(session.secret))} else decode(md5('s' || i), 'hex') end,
      ${now}, ${now}::timestamptz + interval '20 days', ${now}, 'browser'
    from generate_series(1, ${SESSIONS}::int) as i`.execute(db);
    await sql`insert into outbox (kind, idempotency_key, lane_key, payload, status, attempts, next_attempt_at, created_at, sent_at)
    select case when n % 2 = 0 then 'email' else 'webhook' end, 'o' || n, 'lane' || (n % 500), '{}',
      case when n <= 50000 then 'sent' else 'pending' end, 1, ${now}::timestamptz + (n % 60) * interval '1 minute',
      ${now}, case when n <= 50000 then ${now}::timestamptz end
    from generate_series(1, 51000) as n`.execute(db);
    for (const index of indexes) await sql.raw(index.definition).execute(db);
    await sql`set session_replication_role = default`.execute(db);
    await sql`analyze`.execute(db);
  });
  console.log(`plan test: seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  // The code's own queries, captured as compiled, through a second pool on the same database.
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // Ending the pool does not wait for its clients' sockets to close, and dropping the database
  // ends any backend still there ("terminating connection due to administrator command"). That is
  // expected once the file is done, and only then.
  pool.on("error", (error) => {
    if (!tearingDown) throw error;
  });
  const capturing = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query") captured.push(event.query);
    },
  });
  roster = await createRoster({
    config: loadConfig({ SECRET_KEY: "test-secret-key-that-is-long-enough-000", LOG_LEVEL: "silent" }),
    database: { ...database, db: capturing },
    clock: () => now,
    runWorker: false,
  });
}, 600_000);
afterAll(async () => {
  tearingDown = true;
  await roster?.close();
  await pool?.end();
  await database?.drop();
});

/** Runs `call` and returns the queries it sent (transaction control and locks left out). */
async function queriesOf(call: () => Promise<unknown>): Promise<CompiledQuery[]> {
  captured = [];
  await call();
  return captured.filter(
    (q) => !/^\s*(begin|commit|rollback|select pg_advisory_xact_lock)/i.test(q.sql) && q.sql.trim() !== "",
  );
}

/** For each query: the large tables its plan reads with a sequential scan. */
async function sequentialScans(queries: CompiledQuery[]) {
  const found: { sql: string; tables: string[]; plan: string }[] = [];
  for (const query of queries) {
    for (const plan of await plansOf(query)) {
      const seq = [
        ...new Set(
          nodes(plan)
            .filter((n) => n["Node Type"] === "Seq Scan")
            .map((n) => n["Relation Name"]!),
        ),
      ];
      const large: string[] = [];
      for (const table of seq) {
        const { rows: size } = await sql<{ n: number }>`
        select reltuples::float8 as n from pg_class where oid = ${table}::regclass`.execute(database.db);
        if ((size[0]?.n ?? 0) > LARGE_TABLE_ROWS) large.push(table);
      }
      if (large.length) {
        const shape = nodes(plan)
          .map(
            (n) =>
              `${n["Node Type"]} ${n["Relation Name"] ?? ""} ${n["Index Name"] ?? ""} (${n["Plan Rows"]} rows)`,
          )
          .join(" / ");
        found.push({ sql: query.sql, tables: large, plan: shape });
      }
    }
  }
  return found;
}

/**
 * The plan Postgres makes for the query with its values; for a prepared statement also the generic
 * plan, made once for any values, which Postgres may settle on after a few executions.
 */
async function plansOf(query: CompiledQuery): Promise<PlanNode[]> {
  type Explained = { "QUERY PLAN": [{ Plan: PlanNode }] };
  const { rows } = await database.db.executeQuery<Explained>(
    CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
  );
  const plans = [rows[0]!["QUERY PLAN"][0].Plan];
  if (!isPrepared(query.sql)) return plans;
  const text = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
  // Arrays as Postgres array literals ('{"a","b"}'), the form `$n::text[]` takes.
  const literal = (value: unknown) =>
    value === null || value === undefined
      ? "null"
      : `'${(
          Array.isArray(value)
            ? `{${value.map((item) => `"${text(item).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`
            : text(value)
        ).replaceAll("'", "''")}'`;
  await database.db.connection().execute(async (db) => {
    await sql`set plan_cache_mode = force_generic_plan`.execute(db);
    await db.executeQuery(CompiledQuery.raw(`prepare generic_plan as ${query.sql}`));
    try {
      const values = query.parameters.map(literal).join(", ");
      const { rows: generic } = await db.executeQuery<Explained>(
        CompiledQuery.raw(`explain (format json) execute generic_plan${values ? `(${values})` : ""}`),
      );
      plans.push(generic[0]!["QUERY PLAN"][0].Plan);
    } finally {
      await sql`deallocate generic_plan`.execute(db);
      await sql`reset plan_cache_mode`.execute(db);
    }
  });
  return plans;
}

const actor = { userId: person, sessionId: session.id, ip: null, userAgent: null };
const access = async (orgId: string) => loadOrgAccess(roster.deps, actor, orgId);
const deepCursor = async () => {
  const row = await database.db
    .selectFrom("memberships")
    .select(["created_at", "user_id"])
    .where("org_id", "=", big)
    .orderBy("created_at", "desc")
    .orderBy("user_id", "desc")
    .offset(50_000 - 1)
    .limit(1)
    .executeTakeFirstOrThrow();
  return encodeCursor(row.created_at, row.user_id);
};
const me = async () => {
  const user = await roster.deps.db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", person)
    .executeTakeFirstOrThrow();
  return user;
};

const calls: [string, () => Promise<unknown>][] = [
  [
    "session lookup (session and user)",
    () => validateSessionToken(roster.deps.db, `${session.id}.${session.secret}`, now),
  ],
  [
    "session lookup with the membership in the big organization",
    () => validateSessionToken(roster.deps.db, `${session.id}.${session.secret}`, now, { orgId: big }),
  ],
  ["membership and permissions, big organization", () => access(big)],
  [
    "membership and permissions, custom role",
    async () => {
      const other = await database.db
        .selectFrom("memberships")
        .select("org_id")
        .where("org_id", "!=", big)
        .limit(1)
        .executeTakeFirstOrThrow();
      return loadOrgAccess(roster.deps, actor, other.org_id).catch(() => null);
    },
  ],
  ["members.list, first page", async () => listMembers(roster.deps, await access(big), {})],
  [
    "members.list, 50,000 deep",
    async () => listMembers(roster.deps, await access(big), { cursor: await deepCursor() }),
  ],
  [
    "members.list, search prefix",
    async () => listMembers(roster.deps, await access(big), { search: "m4242" }),
  ],
  [
    "members.list, name prefix with invitations",
    async () => listMembers(roster.deps, await access(big), { search: "Name 3f", includeInvitations: true }),
  ],
  [
    "members.list, a word inside the name (word index)",
    async () => listMembers(roster.deps, await access(big), { search: "3f1" }),
  ],
  [
    "members.list, a domain with invitations",
    async () =>
      listMembers(roster.deps, await access(big), {
        search: "invited.example.com",
        includeInvitations: true,
      }),
  ],
  [
    "members.list, words every person has (the whole organization matches)",
    async () => listMembers(roster.deps, await access(big), { search: "plans example" }),
  ],
  [
    "SCIM Users, filter userName eq",
    async () =>
      listScimUsers(
        roster.deps,
        await access(big),
        { userName: ["M4242@plans.example.com"] },
        { startIndex: 1, count: 100 },
      ),
  ],
  [
    "SCIM Users, filter externalId eq",
    async () =>
      listScimUsers(
        roster.deps,
        await access(big),
        { externalId: ["ext-4242"] },
        { startIndex: 1, count: 100 },
      ),
  ],
  [
    "SCIM Users, first page",
    async () => listScimUsers(roster.deps, await access(big), {}, { startIndex: 1, count: 100 }),
  ],
  [
    "SCIM Users, a page 50,000 deep",
    async () => listScimUsers(roster.deps, await access(big), {}, { startIndex: 50_001, count: 100 }),
  ],
  ["invitation by token (preview)", () => previewInvitation(roster.deps, { token: inviteToken })],
  ["invitations of an organization", async () => listInvitations(roster.deps, await access(big), {})],
  [
    "invitations of an organization, pending",
    async () => listInvitations(roster.deps, await access(big), { status: "pending" }),
  ],
  ["my invitations (by address)", async () => myInvitations(roster.deps, await me())],
  ["my organizations", () => listMyOrganizations(roster.deps, actor)],
  [
    "invitations.create, one address (seat lock, addresses and counters, the rows)",
    async () =>
      createInvitations(roster.deps, await access(big), {
        emails: ["plan-new-invitee@invited.example.com"],
        role: "member",
      }),
  ],
  [
    "outbox claim, next due time and pruning",
    async () => {
      const worker = new OutboxWorker({
        db: roster.deps.db,
        clock: () => now,
        logger: silentLogger,
        handlers: { email: async () => {}, webhook: async () => {} },
      });
      worker.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await worker.stop();
    },
  ],
];

describe("hot queries on 1,000,000 memberships", () => {
  it.each(calls)("%s reads no large table whole", async (_, call) => {
    const queries = await queriesOf(call);
    expect(queries.length).toBeGreaterThan(0);
    expect(await sequentialScans(queries)).toEqual([]);
  });

  it("notices a missing index: without the one on memberships.user_id, listing my organizations scans", async () => {
    const queries = await queriesOf(() => listMyOrganizations(roster.deps, actor));
    // Dropped inside a transaction that is rolled back: DDL is transactional in Postgres.
    const scanned = await database.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await sql`drop index memberships_user_idx`.execute(conn);
        const tables: string[] = [];
        for (const q of queries) {
          const { rows } = await conn.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
            CompiledQuery.raw(`explain (format json) ${q.sql}`, [...q.parameters]),
          );
          tables.push(
            ...nodes(rows[0]!["QUERY PLAN"][0].Plan)
              .filter((n) => n["Node Type"] === "Seq Scan")
              .map((n) => n["Relation Name"]!),
          );
        }
        return tables;
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
    expect(scanned).toContain("memberships");
  });
});
