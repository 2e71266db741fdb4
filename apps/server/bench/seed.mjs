// Seeding at scale for `pnpm bench`: organizations, people, memberships and pending invitations
// written by set-based SQL (generate_series, one statement per table), then the callers' sessions
// made the way the server makes them (a `<id>.<secret>` token, only the SHA-256 of the secret
// stored). Ids are derived from sequence numbers, so memberships need no lookups.
import { generateSecureRandomString, hashSecret } from "../dist/auth/tokens.js";
import { encodeCursor } from "../dist/domain/cursors.js";

/** Sizes, from the environment (a quick run sets small ones). */
export function benchSizes(env = process.env) {
  const int = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number.`);
    return value;
  };
  const sizes = {
    organizations: int("BENCH_ORGS", 10_000),
    memberships: int("BENCH_MEMBERSHIPS", 1_000_000),
    bigOrganization: int("BENCH_BIG_ORG", 100_000),
    bigOrganizationInvitations: int("BENCH_BIG_ORG_INVITATIONS", 1_000),
    invitationsPerOrganization: int("BENCH_INVITATIONS_PER_ORG", 2),
    users: int("BENCH_USERS", 400_000),
    deepOffset: int("BENCH_DEEP_OFFSET", 50_000),
  };
  if (sizes.organizations < 2) throw new Error("BENCH_ORGS must be at least 2 (the big one and another).");
  if (sizes.bigOrganization < 100) throw new Error("BENCH_BIG_ORG must be at least 100.");
  if (sizes.memberships < sizes.bigOrganization) {
    throw new Error(
      "BENCH_MEMBERSHIPS counts the big organization's members, so it is at least BENCH_BIG_ORG.",
    );
  }
  sizes.users = Math.max(sizes.users, sizes.bigOrganization);
  // The deep page stays inside the big organization.
  sizes.deepOffset = Math.min(sizes.deepOffset, Math.floor(sizes.bigOrganization / 2));
  return sizes;
}

const FIRST_NAMES =
  "Ada Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kai Lea Milo Nia Omar Pia Quin Rosa Sam Tove Uma Vik Wren Xena Yuki Zoe";

/** A version-4-shaped uuid derived from a label (z.uuid() checks the version and variant digits). */
const UUID_FN = `
  create function pg_temp.bench_uuid(label text) returns uuid language sql immutable as $$
    select (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid
    from (select md5(label) as h) as x
  $$`;

/**
 * Fills a fresh, migrated database. Organization 1 is the big one (users 1..bigOrganization are
 * its members, three joining per minute, newest an hour ago); the other organizations share the
 * remaining memberships, each member a user picked by sequence. Every organization also has pending
 * invitations. Returns the big organization's id and its owner.
 */
export async function seedScale(client, sizes, now = new Date()) {
  const newest = new Date(now.getTime() - 60 * 60 * 1000);
  const t0 = Date.now();
  await client.query(UUID_FN);
  // Generated rows are consistent by construction: skip per-row foreign-key checks (superuser
  // only; without it they run) and the wait for each commit's flush.
  await client.query("set synchronous_commit = off");
  await client.query("set session_replication_role = replica").catch(() => {});
  const others = sizes.organizations - 1;
  const perOther = Math.floor((sizes.memberships - sizes.bigOrganization) / others);

  await client.query(
    `insert into organizations (id, name, slug, metadata, created_at, updated_at)
     select pg_temp.bench_uuid('o' || k), case when k = 1 then 'Big Org' else 'Org ' || k end,
       case when k = 1 then 'big-org' else 'org-' || k end, '{}', $2::timestamptz - interval '400 days', $2
     from generate_series(1, $1::int) as k`,
    [sizes.organizations, newest],
  );
  await client.query(
    `insert into users (id, kind, email, name, email_verified_at, created_at, updated_at)
     select pg_temp.bench_uuid('u' || i),
       case when i % 500 = 3 then 'service_account' else 'person' end,
       'm' || i || '@bench.example.com',
       (string_to_array($3, ' '))[1 + i % 26] || ' ' || initcap(substr(md5(i::text), 1, 6)),
       $2, $2, $2
     from generate_series(1, $1::int) as i`,
    [sizes.users, newest, FIRST_NAMES],
  );
  // The big organization: every 50th member deactivated, every 100th an admin, every 10th a viewer.
  await client.query(
    `insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at, deactivated_at)
     select pg_temp.bench_uuid('o1'), pg_temp.bench_uuid('u' || i),
       case when i % 100 = 0 then 'admin' when i % 10 = 1 then 'viewer' else 'member' end,
       case when i % 50 = 0 then 'deactivated' else 'active' end,
       jsonb_build_object('seq', i),
       $2::timestamptz - (i / 3) * interval '1 minute', $2,
       case when i % 50 = 0 then $2::timestamptz end
     from generate_series(1, $1::int) as i`,
    [sizes.bigOrganization, newest],
  );
  // The other organizations: member j of organization k is user ((k * per + j) mod users) + 1, so
  // each pair is unique; the first member of each is its owner.
  if (perOther > 0) {
    await client.query(
      `insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at)
       select pg_temp.bench_uuid('o' || k), pg_temp.bench_uuid('u' || (((k * $2 + j) % $3) + 1)),
         case when j = 0 then 'owner' when j % 10 = 1 then 'admin' else 'member' end, 'active', '{}',
         $4::timestamptz - j * interval '1 hour', $4
       from generate_series(2, $1::int) as k, generate_series(0, $2::int - 1) as j`,
      [sizes.organizations, perOther, sizes.users, newest],
    );
  }
  await client.query(
    `insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, expires_at,
       send_count, last_sent_at, created_at, updated_at)
     select pg_temp.bench_uuid('o' || k), 'i' || j || '.' || k || '@invited.example.com', 'member', 'pending',
       decode(md5('inv:' || k || ':' || j), 'hex'), 'sealed', '{}'::jsonb,
       $4::timestamptz + interval '6 days', 1, $4, $4::timestamptz - j * interval '7 minutes', $4
     from generate_series(1, $1::int) as k,
       generate_series(1, greatest($2::int, $3::int)) as j
     where j <= case when k = 1 then $2::int else $3::int end`,
    [sizes.organizations, sizes.bigOrganizationInvitations, sizes.invitationsPerOrganization, newest],
  );

  await client.query("reset session_replication_role").catch(() => {});
  const bigOrgId = (await client.query(`select pg_temp.bench_uuid('o1') as id`)).rows[0].id;
  const owner = await addPeople(client, {
    orgId: bigOrgId,
    count: 1,
    label: "owner",
    role: "owner",
    joinedBefore: new Date(newest.getTime() - 400 * 24 * 3600 * 1000),
    now,
  });
  await client.query("analyze");
  return {
    bigOrgId,
    owner: owner[0],
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * Adds `count` verified people (`<label>-<i>@bench.example.com`), each with a session made as the
 * server makes one, optionally as members of `orgId` with `role` (joined at `joinedBefore` minus
 * a minute each, older than every seeded member, so they sit at the end of the list).
 */
export async function addPeople(client, { orgId, count, label, role, joinedBefore, now }) {
  const ids = [];
  const emails = [];
  const names = [];
  const sessionIds = [];
  const hashes = [];
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const sessionId = generateSecureRandomString();
    const secret = generateSecureRandomString();
    emails.push(`${label}-${i}@bench.example.com`);
    names.push(`${label[0].toUpperCase()}${label.slice(1)} ${i}`);
    sessionIds.push(sessionId);
    hashes.push(Buffer.from(hashSecret(secret)));
    tokens.push(`${sessionId}.${secret}`);
  }
  const expires = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
  const { rows } = await client.query(
    `insert into users (kind, email, name, email_verified_at, created_at, updated_at)
     select 'person', e, n, $3, $3, $3 from unnest($1::text[], $2::text[]) as x(e, n)
     returning id, email`,
    [emails, names, now],
  );
  const idByEmail = new Map(rows.map((r) => [r.email, r.id]));
  for (const email of emails) ids.push(idByEmail.get(email));
  await client.query(
    `insert into sessions (id, user_id, secret_hash, created_at, expires_at, last_seen_at, kind)
     select s, u, h, $4, $5, $4, 'browser' from unnest($1::text[], $2::uuid[], $3::bytea[]) as x(s, u, h)`,
    [sessionIds, ids, hashes, now, expires],
  );
  if (orgId && role) {
    await client.query(
      `insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at)
       select $1, u, $2, 'active', '{}', $3::timestamptz - n * interval '1 minute', $4
       from unnest($5::uuid[]) with ordinality as x(u, n)`,
      [orgId, role, joinedBefore, now, ids],
    );
  }
  return ids.map((id, i) => ({ id, email: emails[i], token: tokens[i] }));
}

/** Pending invitations to `people` in `orgId` (so that each can accept one by id). */
export async function invitePeople(client, { orgId, inviterId, people, now }) {
  const { rows } = await client.query(
    `insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, inviter_id,
       expires_at, send_count, last_sent_at, created_at, updated_at)
     select $1, e, 'member', 'pending', decode(md5('accept:' || e), 'hex'), 'sealed', '{}', $2,
       $3::timestamptz + interval '6 days', 1, $3, $3, $3
     from unnest($4::text[]) as x(e)
     returning id, email`,
    [orgId, inviterId, now, people.map((p) => p.email)],
  );
  const idByEmail = new Map(rows.map((r) => [r.email, r.id]));
  return people.map((p) => ({ ...p, invitationId: idByEmail.get(p.email) }));
}

/** The members.list cursor handed out with the page that ends at member number `offset`. */
export async function cursorAt(client, orgId, offset) {
  const { rows } = await client.query(
    `select created_at, user_id from memberships where org_id = $1
     order by created_at desc, user_id desc offset $2 limit 1`,
    [orgId, offset - 1],
  );
  if (!rows[0]) throw new Error(`The organization has fewer than ${offset} members.`);
  return encodeCursor(rows[0].created_at, rows[0].user_id);
}
