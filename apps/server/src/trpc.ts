import { isDatabaseUnavailable } from "@roster/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, ZodRealError, z } from "zod";
import { DEFAULT_EMBED_SCOPES, requiredScope, scopeGranted } from "./auth/embed-scopes.js";
import type { HostKey } from "./auth/host-keys.js";
import { type CallerSession, type CallerUser, sessionIdleSeconds } from "./auth/sessions.js";
import type { Actor, Deps, RequestOrigin } from "./deps.js";
import {
  firstFactor,
  loadOrgAccess,
  type MembershipAccessRow,
  orgAccessFrom,
  orgNotFound,
  requirePermission,
  type SessionFacts,
  type TwoFactorProof,
} from "./domain/access.js";
import type { Permission } from "./domain/permissions.js";
import {
  databaseUnavailable,
  dataErrorMessage,
  dataErrorMessages,
  isPostgresDataError,
  RosterError,
  type RosterErrorReason,
  reasonForCode,
} from "./errors.js";
import { findInputProblem } from "./input-guard.js";
import type { ResponseCookies } from "./response-cookies.js";

export interface Context extends RequestOrigin {
  deps: Deps;
  requestId: string;
  /**
   * Set when the request carries a valid session (cookie or bearer), or a service account's API key
   * (`via: "api_key"`, no session).
   */
  auth: SessionAuth | ApiKeyAuth | null;
  /** Set when a host product's backend calls with its host API key. */
  host: HostKey | null;
  /** Why credentials that were presented were not accepted. */
  authProblem: "SESSION_EXPIRED" | "INVALID_SESSION" | "INVALID_HOST_KEY" | "INVALID_API_KEY" | null;
  /** Response headers: Set-Cookie for sign-in, sign-out and single sign-on flows. */
  resHeaders: ResponseCookies;
  /**
   * The session's membership in the organization the request's first call names, read in the same
   * statement as the session (context.ts); `orgProcedure` uses it for that organization only.
   */
  membership: { orgId: string; row: MembershipAccessRow | null } | null;
}

export interface SessionAuth {
  user: CallerUser;
  session: CallerSession;
  via: "cookie" | "bearer";
}

export interface ApiKeyAuth {
  user: CallerUser;
  session: null;
  via: "api_key";
  apiKey: { id: string; orgId: string; name: string };
}

/** The issues' own sentences, without internal field names; `data.issues` keeps each one's path for forms. */
function validationMessage(error: ZodError): string {
  return [...new Set(error.issues.slice(0, 3).map((issue) => issue.message))].join(" ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const roster = error.cause instanceof RosterError ? error.cause : null;
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const reason: RosterErrorReason =
      roster?.reason ?? (zod ? "VALIDATION" : (reasonForCode[error.code] ?? "INTERNAL"));
    const message = zod
      ? validationMessage(zod)
      : error.code === "INTERNAL_SERVER_ERROR" && !roster
        ? "Something went wrong on our side. Try again; if it keeps happening, contact support."
        : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        reason,
        ...(roster?.details ? { details: roster.details } : {}),
        ...(zod ? { issues: zod.issues.map((i) => ({ path: i.path.map(String), message: i.message })) } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure's first middleware, in two parts (one middleware, so that each call passes one
 * level fewer of tRPC's middleware chain; the caller's procedures add their checks to it):
 *
 * The input guard refuses NUL, unpaired surrogates and absurd nesting anywhere in the input, before
 * any schema runs.
 *
 * Then domain rules throw RosterError; this gives each one its HTTP status and keeps its reason. A
 * lost or unreachable database becomes DATABASE_UNAVAILABLE (503) rather than an internal error. A
 * Postgres data error (bad text, out-of-range number or date) can only come from input a schema
 * let through: it is the caller's mistake, answered as VALIDATION, and logged so the schema is fixed.
 */
async function guardInput(getRawInput: () => Promise<unknown>): Promise<void> {
  const problem = findInputProblem(await getRawInput());
  if (problem) {
    const issue = { code: "custom" as const, path: problem.path, message: problem.message, input: undefined };
    // ZodRealError is the Error that zod's own parse throws; a plain ZodError is not an Error, and
    // tRPC would wrap it as an unknown cause, losing the VALIDATION reason and the field's path.
    throw new TRPCError({ code: "BAD_REQUEST", message: problem.message, cause: new ZodRealError([issue]) });
  }
}

function mapErrors<R extends { ok: true } | { ok: false; error: TRPCError }>(
  ctx: Context,
  path: string,
  result: R,
): R {
  if (result.ok) return result;
  let cause = result.error.cause instanceof RosterError ? result.error.cause : null;
  if (!cause && isDatabaseUnavailable(result.error.cause)) {
    ctx.deps.logger.warn("database unavailable", {
      requestId: ctx.requestId,
      path,
      error: result.error.cause,
    });
    cause = databaseUnavailable();
  } else if (!cause && isPostgresDataError(result.error.cause)) {
    const sqlstate = result.error.cause.code;
    ctx.deps.logger.warn("input reached the database unchecked", {
      requestId: ctx.requestId,
      path,
      sqlstate,
    });
    cause = new RosterError("BAD_REQUEST", "VALIDATION", dataErrorMessages[sqlstate] ?? dataErrorMessage);
  }
  if (cause) return { ...result, error: new TRPCError({ code: cause.code, message: cause.message, cause }) };
  return result;
}

const guardAndMapErrors = t.middleware(async ({ ctx, path, getRawInput, next }) => {
  await guardInput(getRawInput);
  return mapErrors(ctx, path, await next());
});

export const publicProcedure = t.procedure.use(guardAndMapErrors);

const messages = {
  INVALID_HOST_KEY: "This host API key is not valid or was revoked.",
  HOST_KEY_REQUIRED: "Only a host product's backend can call this, with its host API key.",
  SESSION_EXPIRED: "Your session has expired. Sign in again.",
  INVALID_SESSION: "Your session is not valid. Sign in again.",
  UNAUTHENTICATED: "You need to sign in to do this.",
  INVALID_API_KEY: "This API key is not valid or was revoked.",
  API_KEY_NOT_ALLOWED: "An API key can only call organization procedures. Sign in as a person for this.",
  EMBED_TOKEN_ORG_BOUND:
    "This embed token is bound to one organization and cannot act elsewhere. Ask the host for a token for this.",
} as const;

const refuse = (reason: "EMBED_TOKEN_ORG_BOUND") =>
  new TRPCError({
    code: "FORBIDDEN",
    message: messages[reason],
    cause: new RosterError("FORBIDDEN", reason, messages[reason]),
  });

/**
 * A person signed in, or a service account calling with its API key. An embed token reaches only
 * procedures whose scope (auth/embed-scopes.ts) the host granted it. Returns what the caller's
 * procedures add to the context: `auth`, and `actor` (who, for the domain and the audit log).
 */
function callerOf(ctx: Context, path: string): { auth: SessionAuth | ApiKeyAuth; actor: Actor } {
  if (!ctx.auth) {
    const reason = ctx.authProblem ?? "UNAUTHENTICATED";
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: messages[reason],
      cause: new RosterError("UNAUTHORIZED", reason, messages[reason]),
    });
  }
  const session = ctx.auth.session;
  if (session?.kind === "embed") {
    const needed = requiredScope(path);
    if (needed === undefined || !scopeGranted(session.scopes ?? DEFAULT_EMBED_SCOPES, needed)) {
      const message = needed
        ? `This embed token was not given the "${needed}" scope. The host can ask for a token with it.`
        : "Embed tokens cannot call this procedure.";
      throw new TRPCError({
        code: "FORBIDDEN",
        message,
        cause: new RosterError("FORBIDDEN", "EMBED_SCOPE_MISSING", message, { scope: needed ?? null }),
      });
    }
  }
  const actor: Actor = {
    userId: ctx.auth.user.id,
    sessionId: session?.id ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    hostKeyId: session?.host_key_id ?? null,
  };
  return { auth: ctx.auth, actor };
}

/**
 * Any caller: the first middleware's input guard and error mapping, with `callerOf`'s checks in the
 * same level (each level of tRPC's chain costs every call). tRPC merges what `next` is given into
 * the context.
 */
const callerProcedure = t.procedure.use(async ({ ctx, path, getRawInput, next }) => {
  await guardInput(getRawInput);
  return mapErrors(ctx, path, await next({ ctx: callerOf(ctx, path) }));
});

/**
 * A signed-in person (a session). `ctx.actor` says who, for the domain and the audit log. These
 * procedures are not about one organization, so a token bound to one reaches only the account's
 * own (`auth.*`, as its scopes allow). One middleware, like `callerProcedure`'s, with its own checks.
 */
export const authedProcedure = t.procedure.use(async ({ ctx, path, getRawInput, next }) => {
  await guardInput(getRawInput);
  const caller = callerOf(ctx, path);
  const auth = caller.auth;
  if (auth.via === "api_key") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: messages.API_KEY_NOT_ALLOWED,
      cause: new RosterError("FORBIDDEN", "API_KEY_NOT_ALLOWED", messages.API_KEY_NOT_ALLOWED),
    });
  }
  if (auth.session.org_id && !path.startsWith("auth.")) throw refuse("EMBED_TOKEN_ORG_BOUND");
  return mapErrors(ctx, path, await next({ ctx: { auth, actor: caller.actor } }));
});

/** What a member held back by their organization's two-factor or sign-in policy may still do: leave it. */
const WITHOUT_TWO_FACTOR = new Set(["members.leave"]);

export function twoFactorProof(auth: SessionAuth | ApiKeyAuth, path: string | null): TwoFactorProof {
  if (auth.via === "api_key" || auth.session.kind === "embed") return "exempt";
  // Signed in through the organization's identity provider: second factors are the provider's to ask.
  if (auth.session.auth_method === "sso") return "exempt";
  if (path !== null && WITHOUT_TWO_FACTOR.has(path)) return "exempt";
  return auth.session.two_factor ? "proven" : "missing";
}

/**
 * The caller's session as an organization's sign-in policy sees it (methods, lifetime, idle time);
 * null where the policy does not apply: service accounts, embed tokens, leaving.
 */
export function sessionFacts(
  auth: SessionAuth | ApiKeyAuth,
  path: string | null,
  now: Date,
): SessionFacts | null {
  if (auth.via === "api_key" || auth.session.kind === "embed") return null;
  if (path !== null && WITHOUT_TWO_FACTOR.has(path)) return null;
  return {
    method: firstFactor(auth.session.auth_method),
    ssoOrgId: auth.session.sso_org_id,
    ageSeconds: Math.floor((now.getTime() - auth.session.created_at.getTime()) / 1000),
    idleSeconds: sessionIdleSeconds(auth.session, now),
  };
}

const orgInput = z.object({ orgId: z.uuid("This is not a valid organization id.") });

/**
 * A call about one organization (`input.orgId`). Loads the caller's membership and effective
 * permissions in one query, refuses non-members (NOT_FOUND), deactivated members and callers
 * without `permission` (FORBIDDEN), and gives the procedure `ctx.access`.
 */
export function orgProcedure(permission: Permission | null) {
  return callerProcedure.input(orgInput).use(async ({ ctx, input, path, next }) => {
    // An API key acts only in the organization its service account belongs to.
    if (ctx.auth.via === "api_key" && ctx.auth.apiKey.orgId !== input.orgId) throw orgNotFound();
    // An embed token bound to one organization acts only there.
    const boundTo = ctx.auth.session?.org_id;
    if (boundTo && boundTo !== input.orgId) throw refuse("EMBED_TOKEN_ORG_BOUND");
    // Read with the session when this request's first call named this organization (a session's
    // membership, never an API key's), else now: either way in this request, never cached. The
    // organization's two-factor and sign-in policies come with the membership row.
    const read = ctx.membership;
    const proof = twoFactorProof(ctx.auth, path);
    const session = sessionFacts(ctx.auth, path, ctx.deps.clock());
    const access =
      read && read.orgId === input.orgId && ctx.auth.via !== "api_key"
        ? orgAccessFrom(ctx.actor, input.orgId, read.row, proof, session)
        : await loadOrgAccess(ctx.deps, ctx.actor, input.orgId, proof, session);
    if (permission) requirePermission(access, permission);
    return next({ ctx: { access } });
  });
}

/**
 * A call that acts inside a workspace (a resource in one, for instance). Like `orgProcedure`, it
 * loads and checks the membership, and nothing more: which permission is needed, and where, only the
 * domain function knows once it has found the workspace concerned (a resource's owner may also act
 * on it), so the domain checks it at workspace scope (`requireWorkspacePermission`) and is the one
 * place that does.
 */
export const workspaceProcedure = orgProcedure(null);

/** A host product's backend, authenticated by a host API key (`Authorization: Bearer rhk_…`). */
export const hostProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.host) {
    const reason = ctx.authProblem === "INVALID_HOST_KEY" ? "INVALID_HOST_KEY" : "HOST_KEY_REQUIRED";
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: messages[reason],
      cause: new RosterError("UNAUTHORIZED", reason, messages[reason]),
    });
  }
  return next({ ctx: { host: ctx.host } });
});
