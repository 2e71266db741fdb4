import { looksLikeApiKey, validateApiKey } from "./auth/api-keys.js";
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from "./auth/cookies.js";
import { HOST_KEY_PREFIX, verifyHostApiKey } from "./auth/host-keys.js";
import { validateSessionToken } from "./auth/sessions.js";
import type { Deps } from "./deps.js";
import type { ResponseCookies } from "./response-cookies.js";
import type { Context } from "./trpc.js";

export interface RequestInfo {
  requestId: string;
  ip: string | null;
}

/** The request headers the context reads (a fetch `Headers` will do). */
export interface RequestHeaders {
  get(name: string): string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization the request's first call names (`input.orgId`), if any: its membership is then
 * read with the session, in one statement. `orgProcedure` uses it only for that organization and
 * still checks everything itself; a malformed input is left for the call to refuse.
 */
async function organizationOf(firstInput: (() => Promise<unknown>) | undefined): Promise<string | undefined> {
  if (!firstInput) return undefined;
  try {
    const input = (await firstInput()) as { orgId?: unknown } | null | undefined;
    const orgId = typeof input === "object" && input !== null ? input.orgId : undefined;
    return typeof orgId === "string" && UUID.test(orgId) ? orgId : undefined;
  } catch {
    return undefined;
  }
}

function bearerToken(headers: RequestHeaders): string | undefined {
  const header = headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Resolves who is calling, once per HTTP request (a batch of calls shares it). */
export async function createContext(
  deps: Deps,
  headers: RequestHeaders,
  resHeaders: ResponseCookies,
  info: RequestInfo,
  /** The raw input of the request's first call (the same one tRPC parses), when it has calls. */
  firstInput?: () => Promise<unknown>,
): Promise<Context> {
  const base: Context = {
    deps,
    requestId: info.requestId,
    ip: info.ip,
    userAgent: headers.get("user-agent"),
    auth: null,
    host: null,
    authProblem: null,
    resHeaders,
    membership: null,
  };
  const bearer = bearerToken(headers);
  if (bearer?.startsWith(HOST_KEY_PREFIX)) {
    const host = await verifyHostApiKey(deps.db, bearer, deps.clock());
    return host ? { ...base, host } : { ...base, authProblem: "INVALID_HOST_KEY" };
  }
  if (bearer && looksLikeApiKey(bearer)) {
    const key = await validateApiKey(deps.db, bearer, deps.clock());
    return key
      ? { ...base, auth: { user: key.user, session: null, via: "api_key", apiKey: key.apiKey } }
      : { ...base, authProblem: "INVALID_API_KEY" };
  }
  const cookie = bearer ? undefined : readCookie(headers.get("cookie"), SESSION_COOKIE);
  const token = bearer ?? cookie;
  if (!token) return base;

  // The session's activity is written after the answer, never before it (at most once a minute).
  const orgId = await organizationOf(firstInput);
  const check = await validateSessionToken(deps.db, token, deps.clock(), { defer: deps.defer, orgId });
  if (check.status === "valid") {
    return {
      ...base,
      auth: { user: check.user, session: check.session, via: bearer ? "bearer" : "cookie" },
      membership: orgId && check.membership !== undefined ? { orgId, row: check.membership } : null,
    };
  }
  // A dead cookie is removed, so the browser stops sending it.
  if (cookie)
    resHeaders.append("Set-Cookie", clearedSessionCookie(deps.config.publicUrl.startsWith("https:")));
  return { ...base, authProblem: check.status === "expired" ? "SESSION_EXPIRED" : "INVALID_SESSION" };
}
