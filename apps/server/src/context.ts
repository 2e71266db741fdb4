import { looksLikeApiKey, validateApiKey } from "./auth/api-keys.js";
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from "./auth/cookies.js";
import { HOST_KEY_PREFIX, verifyHostApiKey } from "./auth/host-keys.js";
import { validateSessionToken } from "./auth/sessions.js";
import type { Deps } from "./deps.js";
import type { Context } from "./trpc.js";

export interface RequestInfo {
  requestId: string;
  ip: string | null;
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Resolves who is calling, once per HTTP request (a batch of calls shares it). */
export async function createContext(
  deps: Deps,
  req: Request,
  resHeaders: Headers,
  info: RequestInfo,
): Promise<Context> {
  const base: Context = {
    deps,
    requestId: info.requestId,
    ip: info.ip,
    userAgent: req.headers.get("user-agent"),
    auth: null,
    host: null,
    authProblem: null,
    resHeaders,
  };
  const bearer = bearerToken(req);
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
  const cookie = bearer ? undefined : readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  const token = bearer ?? cookie;
  if (!token) return base;

  // The session's activity is written after the answer, never before it (at most once a minute).
  const check = await validateSessionToken(deps.db, token, deps.clock(), { defer: deps.defer });
  if (check.status === "valid") {
    return { ...base, auth: { user: check.user, session: check.session, via: bearer ? "bearer" : "cookie" } };
  }
  // A dead cookie is removed, so the browser stops sending it.
  if (cookie)
    resHeaders.append("Set-Cookie", clearedSessionCookie(deps.config.publicUrl.startsWith("https:")));
  return { ...base, authProblem: check.status === "expired" ? "SESSION_EXPIRED" : "INVALID_SESSION" };
}
