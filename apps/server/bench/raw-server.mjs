#!/usr/bin/env node
// The reference the benchmark holds Roster to: node:http and pg (a pool of 10), no framework, the
// fewest round trips for the same logical work. It answers the same URLs and JSON shapes as
// Roster's tRPC endpoint for the benchmarked calls: auth.me, orgs.permissions, members.list,
// invitations.create, invitations.accept and members.remove. Sessions are checked as Roster checks
// them (`<id>.<secret>`, SHA-256 of the secret compared in constant time, expiry, last_seen_at at
// most once a minute); an organization call resolves session, user and membership in one query,
// with the organization's policies Roster enforces on every organization call: required two-factor
// sign-in, session lifetime and idle limits, accepted sign-in methods, and single sign-on enforced
// for the member's verified domain.
// Only the permission catalogue and the invitation email's wording come from Roster's build.
//
// Environment: DATABASE_URL, PORT, HOST, PUBLIC_URL, SECRET_KEY, INVITATION_TTL_DAYS,
// INVITATIONS_PER_ORG_PER_HOUR.
import { createCipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";
import { ALL_PERMISSIONS, builtInRole } from "../dist/domain/permissions.js";
import { invitationEmail } from "../dist/mail/templates.js";

const env = process.env;
const port = Number(env.PORT ?? 3100);
const host = env.HOST ?? "127.0.0.1";
const publicUrl = (env.PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, "");
const ttlSeconds = Number(env.INVITATION_TTL_DAYS ?? 7) * 24 * 3600;
const invitationsPerOrgPerHour = Number(env.INVITATIONS_PER_ORG_PER_HOUR ?? 300);
const INVITATIONS_PER_ADDRESS_PER_HOUR = 3;
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const sealKey = createHash("sha256")
  .update(`roster:seal:v1:${env.SECRET_KEY ?? ""}`)
  .digest();

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
pool.on("error", () => {});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

class Refusal extends Error {
  constructor(status, code, reason, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}
const refuse = (status, code, reason, message) => new Refusal(status, code, reason, message);
const badInput = (message) => refuse(400, "BAD_REQUEST", "VALIDATION", message);
const TRPC_CODES = {
  BAD_REQUEST: -32600,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  TOO_MANY_REQUESTS: -32029,
  INTERNAL_SERVER_ERROR: -32603,
};

function seal(plaintext) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v1",
    iv.toString("base64url"),
    body.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
  ].join(".");
}

const sha256 = (text) => createHash("sha256").update(text, "utf8").digest();

// --- queries (named, so pg prepares each once per connection) ---

const SESSION_COLUMNS = `u.id, u.kind, u.email, u.name, u.email_verified_at, u.created_at,
  u.password_hash is not null as has_password,
  s.secret_hash, s.created_at as session_created_at, s.expires_at, s.last_seen_at, s.kind as session_kind,
  s.auth_method, s.two_factor, s.sso_org_id, s.longest_idle_seconds`;
const Q_SESSION = {
  name: "session",
  text: `select ${SESSION_COLUMNS} from sessions s join users u on u.id = s.user_id where s.id = $1`,
};
const Q_SESSION_ACCESS = {
  name: "session-access",
  text: `select ${SESSION_COLUMNS}, m.role, m.status as membership_status, r.permissions as custom_permissions,
      o.require_two_factor, o.session_max_age_minutes, o.session_idle_minutes, o.allowed_sign_in_methods,
      exists (
        select 1 from sso_connections sc join org_domains sd on sd.org_id = sc.org_id
        where sc.org_id = m.org_id and sc.enforced
          and sd.status = 'verified' and sd.domain = lower(substring(u.email from '[^@]*$'))
      ) as sso_enforced
    from sessions s join users u on u.id = s.user_id
    left join memberships m on m.org_id = $2 and m.user_id = s.user_id
    left join roles r on r.org_id = m.org_id and r.key = m.role
    left join organizations o on o.id = m.org_id
    where s.id = $1`,
};

/** Resolves the bearer token (and, given an organization, the membership) in one query. */
async function resolve(req, orgId) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const unauthenticated = () =>
    refuse(401, "UNAUTHORIZED", "INVALID_SESSION", "Your session is not valid. Sign in again.");
  if (!match) throw refuse(401, "UNAUTHORIZED", "UNAUTHENTICATED", "You need to sign in to do this.");
  const [id, secret, extra] = match[1].split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) throw unauthenticated();
  const { rows } = await pool.query(
    orgId ? { ...Q_SESSION_ACCESS, values: [id, orgId] } : { ...Q_SESSION, values: [id] },
  );
  const row = rows[0];
  const hash = sha256(secret);
  if (!row || row.secret_hash.length !== hash.length || !timingSafeEqual(row.secret_hash, hash)) {
    throw unauthenticated();
  }
  const now = new Date();
  if (row.expires_at <= now) {
    await pool.query("delete from sessions where id = $1", [id]);
    throw refuse(401, "UNAUTHORIZED", "SESSION_EXPIRED", "Your session has expired. Sign in again.");
  }
  // The longest pause the session has had, this one included (an organization may limit it).
  const idleSeconds = orgId
    ? Math.max(row.longest_idle_seconds, Math.floor((now - row.last_seen_at) / 1000))
    : 0;
  const refresh = row.session_kind === "browser" && row.expires_at - now < SESSION_TTL_MS / 2;
  if (refresh || now - row.last_seen_at > 60_000) {
    if (refresh) row.expires_at = new Date(now.getTime() + SESSION_TTL_MS);
    await pool.query({
      name: "touch",
      text: `update sessions set last_seen_at = $2, expires_at = $3,
        longest_idle_seconds = greatest(longest_idle_seconds, floor(extract(epoch from ($2 - last_seen_at)))::int)
        where id = $1`,
      values: [id, now, row.expires_at],
    });
  }
  const caller = {
    row,
    sessionId: id,
    now,
    ip: req.socket.remoteAddress ?? null,
    userAgent: req.headers["user-agent"] ?? null,
  };
  if (!orgId) return caller;
  if (!row.role) {
    throw refuse(
      404,
      "NOT_FOUND",
      "ORG_NOT_FOUND",
      "This organization does not exist, or you are not a member of it.",
    );
  }
  if (row.membership_status !== "active") {
    throw refuse(
      403,
      "FORBIDDEN",
      "MEMBERSHIP_DEACTIVATED",
      "Your membership in this organization is deactivated.",
    );
  }
  if (row.session_kind !== "embed") checkPolicy(row, orgId, now, idleSeconds);
  const granted = builtInRole(row.role)?.permissions ?? row.custom_permissions ?? [];
  return { ...caller, orgId, role: row.role, permissions: new Set(granted) };
}

/** The organization's policies, as Roster applies them to a person's own session (owners keep access). */
function checkPolicy(row, orgId, now, idleSeconds) {
  if (row.sso_enforced && row.role !== "owner" && row.sso_org_id !== orgId) {
    throw refuse(
      403,
      "FORBIDDEN",
      "SSO_REQUIRED",
      "Your organization signs you in through its identity provider.",
    );
  }
  const method = row.auth_method.split("+")[0];
  const allowed = row.allowed_sign_in_methods;
  if (allowed && row.role !== "owner" && !allowed.includes(method)) {
    throw refuse(
      403,
      "FORBIDDEN",
      "SIGN_IN_METHOD_NOT_ALLOWED",
      "Sign in again with a method this organization accepts.",
    );
  }
  const maxAge = row.session_max_age_minutes;
  const idle = row.session_idle_minutes;
  if (
    (maxAge !== null && (now - row.session_created_at) / 1000 > maxAge * 60) ||
    (idle !== null && idleSeconds > idle * 60)
  ) {
    throw refuse(
      403,
      "FORBIDDEN",
      "SESSION_POLICY_EXPIRED",
      "This organization requires you to sign in again.",
    );
  }
  if (row.require_two_factor && row.auth_method !== "sso" && !row.two_factor) {
    throw refuse(403, "FORBIDDEN", "MFA_REQUIRED", "This organization requires two-factor sign-in.");
  }
}

function requirePermission(access, permission) {
  if (!access.permissions.has(permission)) {
    throw refuse(
      403,
      "FORBIDDEN",
      "PERMISSION_DENIED",
      `Your role does not allow this (it needs the "${permission}" permission).`,
    );
  }
}

function orgIdOf(input) {
  if (typeof input?.orgId !== "string" || !UUID.test(input.orgId))
    throw badInput("orgId: This is not a valid organization id.");
  return input.orgId;
}

// --- members.list ---

function decodeCursor(cursor) {
  if (cursor === undefined || cursor === null || cursor === "") return null;
  const invalid = () =>
    refuse(
      400,
      "BAD_REQUEST",
      "INVALID_CURSOR",
      "This page cursor is not valid. Start again from the first page.",
    );
  let parsed;
  try {
    parsed = JSON.parse(Buffer.from(String(cursor), "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    !UUID.test(String(parsed[1]))
  ) {
    throw invalid();
  }
  const at = new Date(parsed[0]);
  if (Number.isNaN(at.getTime())) throw invalid();
  return { at, id: parsed[1] };
}
const encodeCursor = (at, id) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");

async function membersList(req, input) {
  const access = await resolve(req, orgIdOf(input));
  requirePermission(access, "members:read");
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput("limit: Ask for 1 to 100 items.");
  const cursor = decodeCursor(input.cursor);
  // Every word typed starts a word of the name or address, through users_words_idx (as the server).
  const text = typeof input.search === "string" ? input.search.trim() : "";
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  const search = words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
  if (text && !search) return { items: [], nextCursor: null };
  const values = [access.orgId, limit + 1];
  let where = "";
  if (search) {
    values.push(search);
    where += ` and to_tsvector('simple'::regconfig, regexp_replace(lower(coalesce(u.name, '') || ' ' || u.email), '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple'::regconfig, $${values.length})`;
  }
  if (cursor) {
    values.push(cursor.at, cursor.id);
    where += ` and (m.created_at, m.user_id) < ($${values.length - 1}, $${values.length})`;
  }
  const { rows } = await pool.query({
    // Prepared once per connection, except a search: Postgres plans a prepared statement generically
    // after five runs, and a generic plan cannot weigh how rare the searched words are.
    ...(search ? {} : { name: `members-list${cursor ? "-cursor" : ""}` }),
    text: `select m.user_id as id, u.email, u.name, m.role, m.status, u.kind = 'service_account' as service_account,
        m.created_at, m.metadata
      from memberships m join users u on u.id = m.user_id
      where m.org_id = $1${where}
      order by m.created_at desc, m.user_id desc limit $2`,
    values,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      kind: "member",
      id: r.id,
      userId: r.id,
      invitationId: null,
      email: r.email,
      name: r.name,
      role: r.role,
      status: r.status,
      serviceAccount: r.service_account,
      createdAt: r.created_at.toISOString(),
      expiresAt: null,
      metadata: r.metadata,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

// --- transactions ---

async function transaction(fn) {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * This server has no outbox worker, and Roster's worker shares the database: the messages written
 * here fall due in a year, so Roster never spends its own measurements delivering them.
 */
const DEFERRED = "interval '1 year'";

/** The webhook rows for the events a statement's `events` CTE (org_id, event_type, target_id, data) names. */
const WEBHOOKS_FROM_EVENTS = `
  insert into outbox (kind, idempotency_key, lane_key, payload, next_attempt_at, created_at)
  select 'webhook', 'webhook:' || ev.event_id || ':' || e.id, e.id::text,
    jsonb_build_object('orgId', ev.org_id, 'endpointId', e.id, 'deliveryId', gen_random_uuid(),
      'eventId', ev.event_id, 'event', ev.event_type,
      'body', jsonb_build_object('id', ev.event_id, 'type', ev.event_type, 'createdAt', ev.at,
        'organization', jsonb_build_object('id', ev.org_id), 'actor', jsonb_build_object('userId', ev.actor_id),
        'target', jsonb_build_object('type', ev.target_type, 'id', ev.target_id), 'data', ev.data)::text),
    ev.at + ${DEFERRED}, ev.at
  from events ev join webhook_endpoints e
    on e.org_id = ev.org_id and e.status = 'active' and ev.event_type = any(e.events)`;

async function invitationsCreate(req, input) {
  const access = await resolve(req, orgIdOf(input));
  requirePermission(access, "members:invite");
  if (!Array.isArray(input.emails) || input.emails.length < 1 || input.emails.length > 100) {
    throw badInput("emails: Invite 1 to 100 people at a time.");
  }
  const role = builtInRole(input.role);
  if (!role)
    throw refuse(404, "NOT_FOUND", "ROLE_NOT_FOUND", "This role does not exist in the organization.");
  if (role.permissions.some((p) => !access.permissions.has(p))) {
    throw refuse(403, "FORBIDDEN", "ROLE_NOT_ALLOWED", `You cannot give the ${role.name} role.`);
  }
  const { now } = access;
  const seen = new Set();
  const outcome = new Map();
  const valid = [];
  for (const raw of input.emails) {
    if (typeof raw !== "string" || raw.length > 320)
      throw badInput("emails: An email address is at most 254 characters.");
    const email = raw.trim();
    const key = email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (email.length > 254 || !EMAIL.test(email)) outcome.set(key, { email, status: "invalid" });
    else valid.push(email);
  }
  const lower = valid.map((e) => e.toLowerCase());
  const results = await transaction(async (client) => {
    // The organization row is the seat lock, taken first; members and live invitations are read under it.
    const { rows } = await client.query({
      name: "invite-lock",
      text: `select o.name, o.seat_limit,
          array(select lower(u.email) from memberships m join users u on u.id = m.user_id
                where m.org_id = o.id and lower(u.email) = any($2::text[])) as members,
          array(select lower(i.email) || ' ' || i.id from invitations i
                where i.org_id = o.id and i.status = 'pending' and lower(i.email) = any($2::text[])) as invited
        from organizations o where o.id = $1 for no key update of o`,
      values: [access.orgId, lower],
    });
    const org = rows[0];
    if (!org) throw refuse(404, "NOT_FOUND", "ORG_NOT_FOUND", "This organization does not exist.");
    for (const email of org.members) outcome.set(email, { email: "", status: "already_member" });
    for (const pair of org.invited) {
      const [email, id] = pair.split(" ");
      if (!outcome.has(email)) outcome.set(email, { email: "", status: "already_invited", invitationId: id });
    }
    const fresh = valid.filter((e) => !outcome.has(e.toLowerCase()));
    if (org.seat_limit !== null && fresh.length > 0) {
      const { rows: used } = await client.query({
        name: "seats",
        text: `select (select count(*) from memberships where org_id = $1)
          + (select count(*) from invitations where org_id = $1 and status = 'pending' and expires_at > $2) as n`,
        values: [access.orgId, now],
      });
      if (Number(used[0].n) + fresh.length > org.seat_limit) {
        throw refuse(
          409,
          "CONFLICT",
          "SEAT_LIMIT",
          "This organization has no free seats for these invitations.",
        );
      }
    }
    if (fresh.length > 0) {
      // Both hourly limits in one upsert: the organization's budget and each address's.
      const keys = [
        `invitation-emails:${access.orgId}`,
        ...fresh.map((e) => `invitation-address:${access.orgId}:${e.toLowerCase()}`),
      ];
      const costs = [fresh.length, ...fresh.map(() => 1)];
      const windowStart = new Date(now.getTime() - 3600 * 1000);
      const { rows: counts } = await client.query({
        name: "invite-limits",
        text: `insert into rate_limits (key, window_start, count)
          select k, $3, c from unnest($1::text[], $2::int[]) as x(k, c)
          on conflict (key) do update set
            window_start = case when rate_limits.window_start <= $4 then $3 else rate_limits.window_start end,
            count = case when rate_limits.window_start <= $4 then excluded.count else rate_limits.count + excluded.count end
          returning key, count`,
        values: [keys, costs, now, windowStart],
      });
      for (const { key, count } of counts) {
        const limit = key.startsWith("invitation-emails:")
          ? invitationsPerOrgPerHour
          : INVITATIONS_PER_ADDRESS_PER_HOUR;
        if (count > limit)
          throw refuse(429, "TOO_MANY_REQUESTS", "RATE_LIMITED", "Too many invitations in the last hour.");
      }
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
      const hashes = [];
      const sealed = [];
      const mails = [];
      for (const email of fresh) {
        const token = randomBytes(32).toString("base64url");
        hashes.push(sha256(token));
        sealed.push(seal(token));
        const message = invitationEmail(email, {
          organization: org.name,
          inviter: access.row.name,
          role: role.name.toLowerCase(),
          url: `${publicUrl}/invite/${token}`,
          expiresAt,
        });
        mails.push(
          JSON.stringify({ to: message.to, subject: message.subject, sealed: seal(JSON.stringify(message)) }),
        );
      }
      // Invitations, their emails, audit entries and webhook events: one statement.
      const { rows: made } = await client.query({
        name: "invite-insert",
        text: `with inv as (
            insert into invitations (org_id, email, role, status, token_hash, token_sealed, metadata, inviter_id,
              expires_at, send_count, last_sent_at, created_at, updated_at)
            select $1, e, $2, 'pending', h, s, $3, $4, $5, 1, $6, $6, $6
            from unnest($7::text[], $8::bytea[], $9::text[]) as x(e, h, s)
            returning id, email
          ), mail as (
            insert into outbox (kind, idempotency_key, lane_key, payload, next_attempt_at, created_at)
            select 'email', 'invitation:' || inv.id || ':1', lower(inv.email), p::jsonb, $6::timestamptz + ${DEFERRED}, $6
            from inv join unnest($7::text[], $10::text[]) as x(e, p) on x.e = inv.email
            on conflict (idempotency_key) do nothing
          ), audit as (
            insert into audit_events (org_id, actor_id, action, target_type, target_id, data, ip, user_agent, created_at)
            select $1, $4, 'member.invited', 'invitation', inv.id, jsonb_build_object('email', inv.email, 'role', $2::text),
              $11, $12, $6
            from inv
          ), events as (
            select $1::uuid as org_id, gen_random_uuid() as event_id, 'member.invited' as event_type, $6::timestamptz as at,
              $4::uuid as actor_id, 'invitation' as target_type, inv.id::text as target_id,
              jsonb_build_object('email', inv.email, 'role', $2::text) as data
            from inv
          ), hooks as (${WEBHOOKS_FROM_EVENTS})
          select id, email from inv`,
        values: [
          access.orgId,
          role.key,
          JSON.stringify(input.metadata ?? {}),
          access.row.id,
          expiresAt,
          now,
          fresh,
          hashes,
          sealed,
          mails,
          access.ip,
          access.userAgent?.slice(0, 512) ?? null,
        ],
      });
      for (const r of made)
        outcome.set(r.email.toLowerCase(), { email: r.email, status: "invited", invitationId: r.id });
    }
    const ordered = [];
    const reported = new Set();
    for (const raw of input.emails) {
      const email = raw.trim();
      const key = email.toLowerCase();
      if (reported.has(key)) continue;
      reported.add(key);
      const r = outcome.get(key);
      if (r) ordered.push({ ...r, email });
    }
    return ordered;
  });
  return { results };
}

async function invitationsAccept(req, input) {
  const caller = await resolve(req);
  if (typeof input?.invitationId !== "string" || !UUID.test(input.invitationId)) {
    throw badInput("invitationId: This is not a valid invitation id.");
  }
  const notFound = () => refuse(404, "NOT_FOUND", "INVITATION_NOT_FOUND", "This invitation does not exist.");
  const { now } = caller;
  return transaction(async (client) => {
    // Account, then organization, then invitation: Roster's lock order.
    const { rows: users } = await client.query({
      name: "accept-account",
      text: "select email, email_verified_at from users where id = $1 for no key update",
      values: [caller.row.id],
    });
    const user = users[0];
    const { rows: orgs } = await client.query({
      name: "accept-org",
      text: `select o.id from organizations o
        where o.id = (select org_id from invitations where id = $1 and lower(email) = lower($2)) for no key update`,
      values: [input.invitationId, user.email],
    });
    if (!orgs[0]) throw notFound();
    const { rows: invs } = await client.query({
      name: "accept-invitation",
      text: `select i.org_id, i.email, i.role, i.status, i.expires_at, i.metadata, i.inviter_id,
          exists(select 1 from memberships m where m.org_id = i.org_id and m.user_id = $2) as member
        from invitations i where i.id = $1 for update of i`,
      values: [input.invitationId, caller.row.id],
    });
    const inv = invs[0];
    if (!inv || inv.email.toLowerCase() !== user.email.toLowerCase()) throw notFound();
    if (!user.email_verified_at)
      throw refuse(403, "FORBIDDEN", "EMAIL_NOT_VERIFIED", "Confirm your email address first.");
    if (inv.status !== "pending")
      throw refuse(409, "CONFLICT", "INVITATION_NOT_PENDING", `This invitation was ${inv.status}.`);
    if (inv.expires_at <= now)
      throw refuse(409, "CONFLICT", "INVITATION_EXPIRED", "This invitation has expired.");
    if (inv.member)
      throw refuse(409, "CONFLICT", "ALREADY_MEMBER", "You are already a member of this organization.");
    await client.query({
      name: "accept-apply",
      text: `with joined as (
          insert into memberships (org_id, user_id, role, status, metadata, invited_by, created_at, updated_at)
          values ($1, $2, $3, 'active', $4, $5, $6, $6)
        ), answered as (
          update invitations set status = 'accepted', responded_by = $2, responded_at = $6, updated_at = $6 where id = $7
        ), grants as (
          update workspace_grants set user_id = $2, invitation_id = null, updated_at = $6
          where org_id = $1 and invitation_id = $7
        ), active as (
          update users set last_active_org_id = $1 where id = $2
        ), audit as (
          insert into audit_events (org_id, actor_id, action, target_type, target_id, data, ip, user_agent, created_at)
          values ($1, $2, 'member.joined', 'user', $2, jsonb_build_object('invitationId', $7::uuid, 'role', $3::text), $8, $9, $6)
        ), events as (
          select $1::uuid as org_id, gen_random_uuid() as event_id, 'member.joined' as event_type, $6::timestamptz as at,
            $2::uuid as actor_id, 'user' as target_type, $2::text as target_id,
            jsonb_build_object('invitationId', $7::uuid, 'role', $3::text, 'member',
              jsonb_build_object('userId', u.id, 'email', u.email, 'name', u.name, 'serviceAccount', u.kind = 'service_account')) as data
          from users u where u.id = $2
        )
        ${WEBHOOKS_FROM_EVENTS}`,
      values: [
        inv.org_id,
        caller.row.id,
        inv.role,
        JSON.stringify(inv.metadata),
        inv.inviter_id,
        now,
        input.invitationId,
        caller.ip,
        caller.userAgent?.slice(0, 512) ?? null,
      ],
    });
    return { orgId: inv.org_id, role: inv.role };
  });
}

async function membersRemove(req, input) {
  const access = await resolve(req, orgIdOf(input));
  requirePermission(access, "members:remove");
  const ids = input.userIds;
  if (
    !Array.isArray(ids) ||
    ids.length < 1 ||
    ids.length > 100 ||
    !ids.every((id) => typeof id === "string" && UUID.test(id))
  ) {
    throw badInput("userIds: Choose 1 to 100 members.");
  }
  if (input.transferTo !== undefined) throw badInput("transferTo: not supported by the reference server.");
  const unique = [...new Set(ids)];
  const { now } = access;
  return transaction(async (client) => {
    const { rows: owners } = await client.query({
      name: "remove-owners",
      text: `select user_id from memberships where org_id = $1 and role = 'owner' and status = 'active' for no key update`,
      values: [access.orgId],
    });
    const { rows } = await client.query({
      name: "remove-targets",
      text: `select m.user_id, m.role,
          exists(select 1 from resources r where r.org_id = m.org_id and r.owner_id = m.user_id) as owns
        from memberships m where m.org_id = $1 and m.user_id = any($2::uuid[]) for update of m`,
      values: [access.orgId, unique],
    });
    if (rows.length !== unique.length) {
      throw refuse(
        404,
        "NOT_FOUND",
        "MEMBER_NOT_FOUND",
        "Some of these people are not members of the organization.",
      );
    }
    for (const r of rows) {
      if (access.role === "owner") continue;
      const permissions = builtInRole(r.role)?.permissions;
      if (r.role === "owner" || !permissions || permissions.some((p) => !access.permissions.has(p))) {
        throw refuse(
          403,
          "FORBIDDEN",
          "MEMBER_OUTRANKS_YOU",
          "You cannot remove a member whose role outranks yours.",
        );
      }
    }
    const remaining = owners.filter((o) => !unique.includes(o.user_id));
    if (remaining.length === 0)
      throw refuse(409, "CONFLICT", "LAST_OWNER", "An organization must keep at least one active owner.");
    if (rows.some((r) => r.owns))
      throw refuse(409, "CONFLICT", "TRANSFER_REQUIRED", "Some of these members own resources.");
    await client.query({
      name: "remove-apply",
      text: `with gone as (
          delete from memberships m using users u
          where m.org_id = $1 and m.user_id = any($2::uuid[]) and u.id = m.user_id
          returning m.user_id, m.role, u.email, u.name, u.kind
        ), inactive as (
          update users set last_active_org_id = null where id = any($2::uuid[]) and last_active_org_id = $1
        ), audit as (
          insert into audit_events (org_id, actor_id, action, target_type, target_id, data, ip, user_agent, created_at)
          select $1, $3, 'member.removed', 'user', gone.user_id, jsonb_build_object('role', gone.role), $4, $5, $6 from gone
        ), events as (
          select $1::uuid as org_id, gen_random_uuid() as event_id, 'member.removed' as event_type, $6::timestamptz as at,
            $3::uuid as actor_id, 'user' as target_type, gone.user_id::text as target_id,
            jsonb_build_object('role', gone.role, 'member', jsonb_build_object('userId', gone.user_id, 'email', gone.email,
              'name', gone.name, 'serviceAccount', gone.kind = 'service_account')) as data
          from gone
        )
        ${WEBHOOKS_FROM_EVENTS}`,
      values: [access.orgId, unique, access.row.id, access.ip, access.userAgent?.slice(0, 512) ?? null, now],
    });
    return { removed: unique, transferred: 0 };
  });
}

// --- HTTP ---

const queries = {
  "auth.me": async (req) => {
    const { row, sessionId } = await resolve(req);
    return {
      user: {
        id: row.id,
        email: row.email,
        name: row.name,
        emailVerified: row.email_verified_at !== null,
        kind: row.kind,
        createdAt: row.created_at.toISOString(),
      },
      session: {
        id: sessionId,
        expiresAt: row.expires_at.toISOString(),
        authMethod: row.auth_method,
        twoFactor: row.two_factor,
      },
      hasPassword: row.has_password,
      // Like Roster in production, the reference server keeps no dev mailbox.
      devMailbox: false,
    };
  },
  "orgs.permissions": async (req, input) => {
    const access = await resolve(req, orgIdOf(input));
    return { role: access.role, permissions: ALL_PERMISSIONS.filter((p) => access.permissions.has(p)) };
  },
  "members.list": membersList,
};
const mutations = {
  "invitations.create": invitationsCreate,
  "invitations.accept": invitationsAccept,
  "members.remove": membersRemove,
};

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

function readBody(req) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > 1024 * 1024) reject(badInput("This request is too large."));
      else chunks.push(chunk);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://raw");
  const path = url.pathname.startsWith("/trpc/") ? url.pathname.slice(6) : null;
  try {
    if (url.pathname === "/healthz") {
      await pool.query("select 1");
      return send(res, 200, { status: "ok" });
    }
    let input;
    let handler;
    if (req.method === "GET" && path && queries[path]) {
      handler = queries[path];
      const raw = url.searchParams.get("input");
      input = raw === null ? undefined : JSON.parse(raw);
    } else if (req.method === "POST" && path && mutations[path]) {
      handler = mutations[path];
      const body = await readBody(req);
      input = body ? JSON.parse(body) : undefined;
    } else {
      return send(res, 404, {
        error: {
          message: "No such procedure.",
          code: -32004,
          data: { code: "NOT_FOUND", httpStatus: 404, path, reason: "NOT_FOUND" },
        },
      });
    }
    const data = await handler(req, input ?? {});
    send(res, 200, { result: { data } });
  } catch (error) {
    const refusal =
      error instanceof Refusal
        ? error
        : error instanceof SyntaxError
          ? badInput("The input is not valid JSON.")
          : refuse(500, "INTERNAL_SERVER_ERROR", "INTERNAL", "Something went wrong on our side.");
    if (!(error instanceof Refusal) && !(error instanceof SyntaxError)) console.error(error);
    send(res, refusal.status, {
      error: {
        message: refusal.message,
        code: TRPC_CODES[refusal.code] ?? -32603,
        data: { code: refusal.code, httpStatus: refusal.status, path, reason: refusal.reason },
      },
    });
  }
});

server.listen(port, host, () => {
  console.log(`raw reference server listening on http://${host}:${server.address().port}`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
