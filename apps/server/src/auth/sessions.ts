import { type Database, prepared, runCompiled, type Session, type User } from "@roster/db";
import { type CompiledQuery, type InferResult, type Kysely, sql } from "kysely";
import { addSeconds } from "../clock.js";
import { type MembershipAccessRow, ssoEnforcedFor } from "../domain/access.js";
import { generateSecureRandomString, hashesEqual, hashSecret } from "./tokens.js";

/**
 * Sessions as the Lucia guide describes them: a token `<id>.<secret>`; the id finds the row, the
 * secret proves possession, and only a SHA-256 of the secret is stored, so reading the table does
 * not let anyone act as a user.
 */
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
// A session used in its second half is extended to a full term again ("refresh with activity").
const REFRESH_WHEN_REMAINING_SECONDS = SESSION_TTL_SECONDS / 2;
// last_seen_at is written at most this often, so busy sessions do not write on every request.
const LAST_SEEN_GRANULARITY_SECONDS = 60;

export interface SessionMeta {
  userAgent: string | null;
  ip: string | null;
}

export interface SessionOptions {
  /** `embed` sessions are short-lived bearer tokens for widgets and are never extended. */
  kind?: "browser" | "embed";
  ttlSeconds?: number;
  /** An embed session: the host and its user it was made for, what it may do, and where. */
  embed?: { hostKeyId: string; externalUserId: string; scopes: readonly string[]; orgId: string | null };
  /**
   * How the person proved who they are: `password`, `password+totp`, `password+recovery_code`,
   * `password+passkey`, `passkey` (sign-in by a provider adds its own). Embed sessions: `embed`.
   */
  authMethod?: string;
  /** Two factors were proven (or a passkey with user verification): what an organization may require. */
  twoFactor?: boolean;
  /** Made by this organization's identity provider (single sign-on). */
  ssoOrgId?: string;
}

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  meta: SessionMeta,
  options: SessionOptions = {},
): Promise<{ token: string; session: Session }> {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  const session = await db
    .insertInto("sessions")
    .values({
      id,
      user_id: userId,
      secret_hash: hashSecret(secret),
      created_at: now,
      expires_at: addSeconds(now, options.ttlSeconds ?? SESSION_TTL_SECONDS),
      kind: options.kind ?? "browser",
      last_seen_at: now,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
      ip: meta.ip,
      auth_method: options.authMethod ?? (options.kind === "embed" ? "embed" : "password"),
      two_factor: options.twoFactor ?? false,
      sso_org_id: options.ssoOrgId ?? null,
      ...(options.embed
        ? {
            host_key_id: options.embed.hostKeyId,
            external_user_id: options.embed.externalUserId,
            scopes: [...options.embed.scopes],
            org_id: options.embed.orgId,
          }
        : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token: `${id}.${secret}`, session };
}

/**
 * The user as a request sees it: what the session check reads, without the columns no call reads
 * from it (`updated_at`, `last_active_org_id`) and with whether there is a password instead of its
 * hash; a call that needs the whole row reads it itself.
 */
export type CallerUser = UserFacts & { has_password: boolean };
/** What a `CallerUser` and a whole `users` row both give. */
export type UserFacts = Omit<User, "updated_at" | "last_active_org_id" | "password_hash">;
/** The session as a request sees it, without the sign-in's address and browser (`sessions.list` reads those). */
export type CallerSession = Omit<Session, "user_agent" | "ip" | "external_user_id">;

export type SessionCheck =
  | {
      status: "valid";
      session: CallerSession;
      user: CallerUser;
      /** Given `orgId`: the user's membership there (null: not a member), read in the same statement. */
      membership?: MembershipAccessRow | null;
    }
  | { status: "invalid" }
  | { status: "expired" };

/**
 * Records a session's use (and, in its second half, its new expiry). Only when no write of the
 * last minute is there already, so busy sessions and several instances write once a minute at most.
 */
function touchSession(db: Kysely<Database>, id: string, now: Date, expiresAt: Date) {
  const stale = new Date(now.getTime() - LAST_SEEN_GRANULARITY_SECONDS * 1000);
  return async () => {
    await db
      .updateTable("sessions")
      .set({
        last_seen_at: now,
        expires_at: sql<Date>`greatest(expires_at, ${expiresAt})`,
        longest_idle_seconds: sql<number>`greatest(longest_idle_seconds, floor(extract(epoch from (${now}::timestamptz - last_seen_at)))::int)`,
      })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_seen_at", "<=", stale), eb("expires_at", "<", expiresAt)]))
      .execute();
  };
}

// Every column named: a prepared statement's result must not change shape when a column is added.
// Whether the account has a password, not the hash itself: no request reads the hash from here.
const USER_COLUMNS = [
  "users.id",
  "users.kind",
  "users.email",
  "users.name",
  sql<boolean>`users.password_hash is not null`.as("has_password"),
  "users.email_verified_at",
  "users.host_key_id",
  "users.created_at",
] as const;
const SESSION_COLUMNS = [
  "sessions.secret_hash",
  "sessions.created_at as session_created_at",
  "sessions.expires_at",
  "sessions.last_seen_at",
  "sessions.kind as session_kind",
  "sessions.scopes as session_scopes",
  "sessions.org_id as session_org_id",
  "sessions.host_key_id as session_host_key_id",
  "sessions.auth_method as session_auth_method",
  "sessions.two_factor as session_two_factor",
  "sessions.sso_org_id as session_sso_org_id",
  "sessions.longest_idle_seconds",
] as const;

/** The session check's one statement: session and user, and the membership in `orgId`. */
function sessionCheckBuilder(db: Kysely<Database>, id: string, orgId: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .leftJoin("memberships as m", (j) =>
      j.on("m.org_id", "=", orgId).onRef("m.user_id", "=", "sessions.user_id"),
    )
    .leftJoin("roles as r", (j) => j.onRef("r.org_id", "=", "m.org_id").onRef("r.key", "=", "m.role"))
    .leftJoin("organizations as o", "o.id", "m.org_id")
    .select(USER_COLUMNS)
    .select([
      "m.role as membership_role",
      "m.status as membership_status",
      "o.require_two_factor as membership_require_two_factor",
      "o.session_max_age_minutes",
      "o.session_idle_minutes",
      "o.allowed_sign_in_methods",
      sql<string[] | null>`r.permissions`.as("custom_permissions"),
      ssoEnforcedFor("m.org_id", "users.email").as("membership_sso_enforced"),
    ])
    .select(SESSION_COLUMNS)
    .where("sessions.id", "=", id);
}

type SessionCheckRow = InferResult<ReturnType<typeof sessionCheckBuilder>>[number];

/**
 * The same check for a call about no organization (`auth.me`): session and user alone, without the
 * joins that would find nothing and without the membership's columns, which it never reads.
 */
function sessionOnlyBuilder(db: Kysely<Database>, id: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(USER_COLUMNS)
    .select(SESSION_COLUMNS)
    .where("sessions.id", "=", id);
}

type SessionOnlyRow = InferResult<ReturnType<typeof sessionOnlyBuilder>>[number];

// Markers the statement is compiled with once; each request puts its own values in their places.
const ID_MARKER = "\u0000session-id";
const ORG_MARKER = "\u0000org-id";
const compiledChecks = new WeakMap<
  Kysely<Database>,
  { org: CompiledQuery<SessionCheckRow>; alone: CompiledQuery<SessionOnlyRow> }
>();

/**
 * The session check, compiled once per database handle (with and without an organization) and
 * prepared: the statement is the same on every request but for its values, and building, compiling,
 * parsing and planning it were most of a request's cost (docs/benchmarks.md).
 */
function sessionChecks(db: Kysely<Database>) {
  let compiled = compiledChecks.get(db);
  if (!compiled) {
    compiled = {
      org: prepared(sessionCheckBuilder(db, ID_MARKER, ORG_MARKER).compile()),
      alone: prepared(sessionOnlyBuilder(db, ID_MARKER).compile()),
    };
    compiledChecks.set(db, compiled);
  }
  return compiled;
}

/** A compiled check with this request's session id (and organization) in the markers' places. */
function bind<R>(query: CompiledQuery<R>, id: string, orgId?: string): CompiledQuery<R> {
  const parameters = query.parameters.map((p) => (p === ID_MARKER ? id : p === ORG_MARKER ? orgId : p));
  return { ...query, parameters };
}

export interface ValidateOptions {
  /**
   * Writes the session's activity after the answer instead of before it (`Deps.defer`). Without
   * it the write is awaited.
   */
  defer?: ((name: string, task: () => Promise<void>, key?: string) => void) | undefined;
  /**
   * An organization the request is about: the user's membership there and its permissions are
   * read in the same statement as the session (one round trip instead of two).
   */
  orgId?: string | undefined;
}

export async function validateSessionToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
  options: ValidateOptions = {},
): Promise<SessionCheck> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64)
    return { status: "invalid" };

  const orgId = options.orgId;
  const checks = sessionChecks(db);
  // With an organization, its membership comes in the same row (`access`).
  let access: SessionCheckRow | undefined;
  let row: SessionOnlyRow | undefined;
  if (orgId === undefined) row = (await runCompiled(db, bind(checks.alone, id)))[0];
  else row = access = (await runCompiled(db, bind(checks.org, id, orgId)))[0];
  if (!row || !hashesEqual(hashSecret(secret), row.secret_hash)) return { status: "invalid" };

  if (row.expires_at.getTime() <= now.getTime()) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return { status: "expired" };
  }

  const session: CallerSession = {
    id,
    user_id: row.id,
    secret_hash: row.secret_hash,
    created_at: row.session_created_at,
    expires_at: row.expires_at,
    last_seen_at: row.last_seen_at,
    kind: row.session_kind,
    scopes: row.session_scopes,
    org_id: row.session_org_id,
    host_key_id: row.session_host_key_id,
    auth_method: row.session_auth_method,
    two_factor: row.session_two_factor,
    sso_org_id: row.session_sso_org_id,
    longest_idle_seconds: row.longest_idle_seconds,
  };
  const refresh =
    row.session_kind === "browser" &&
    row.expires_at.getTime() - now.getTime() < REFRESH_WHEN_REMAINING_SECONDS * 1000;
  const touch = now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_GRANULARITY_SECONDS * 1000;
  if (refresh || touch) {
    // The pause that ends now is kept (longest_idle_seconds), here as in the write.
    session.longest_idle_seconds = Math.max(session.longest_idle_seconds, idleSeconds(row.last_seen_at, now));
    session.last_seen_at = now;
    if (refresh) session.expires_at = addSeconds(now, SESSION_TTL_SECONDS);
    const write = touchSession(db, id, now, session.expires_at);
    // One write in flight per session and instance; the statement itself skips a recent write.
    if (options.defer) options.defer("session activity", write, `session:${id}`);
    else await write();
  }
  const user: CallerUser = {
    id: row.id,
    kind: row.kind,
    email: row.email,
    name: row.name,
    has_password: row.has_password,
    email_verified_at: row.email_verified_at,
    host_key_id: row.host_key_id,
    created_at: row.created_at,
  };
  if (!access) return { status: "valid", session, user };
  const membership =
    access.membership_role !== null && access.membership_status !== null
      ? {
          role: access.membership_role,
          status: access.membership_status,
          custom_permissions: access.custom_permissions,
          require_two_factor: access.membership_require_two_factor ?? false,
          session_max_age_minutes: access.session_max_age_minutes,
          session_idle_minutes: access.session_idle_minutes,
          allowed_sign_in_methods: access.allowed_sign_in_methods,
          sso_enforced: access.membership_sso_enforced,
        }
      : null;
  return { status: "valid", session, user, membership };
}

const idleSeconds = (since: Date, now: Date) =>
  Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));

/**
 * The longest the session has paused, up to `now`: its recorded pauses and the current one. Uses
 * are recorded at most once a minute, so a pause may read up to a minute longer than it was.
 */
export function sessionIdleSeconds(
  session: Pick<Session, "longest_idle_seconds" | "last_seen_at">,
  now: Date,
): number {
  return Math.max(session.longest_idle_seconds, idleSeconds(session.last_seen_at, now));
}

export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

/** Ends every session of a user, except (optionally) the one making the request. */
export async function invalidateUserSessions(
  db: Kysely<Database>,
  userId: string,
  exceptSessionId?: string,
): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptSessionId) query = query.where("id", "!=", exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
