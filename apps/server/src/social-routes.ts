import type { Hono, Context as HonoContext } from "hono";
import { flowCookie, readCookie, SESSION_COOKIE, sessionCookie } from "./auth/cookies.js";
import { validateSessionToken } from "./auth/sessions.js";
import type { Deps } from "./deps.js";
import {
  finishSocialFlow,
  SOCIAL_FLOW_TTL_SECONDS,
  type SocialOutcome,
  startSocialFlow,
} from "./domain/social-sign-in.js";
import { RosterError } from "./errors.js";

/**
 * The HTTP ends of sign-in with Google, GitHub and Microsoft, outside tRPC because browsers are
 * sent here: `GET /auth/social/:provider/start` (the "Continue with …" buttons: to the provider)
 * and `GET /auth/social/:provider/callback` (the redirect URI to register with the provider).
 * Linking an identity to a signed-in account starts with `auth.linkIdentity` and comes back to the
 * same callback. The callback answers with a redirect: into the app with a session, to the sign-in
 * page's second step (`#two_factor=…`, never sent to a server), to account security after a link,
 * or with `social_error=<reason>` and no session.
 */

/** Holds the id of the flow this browser started; the callback must come back with it as `state`. */
export const SOCIAL_FLOW_COOKIE = "roster_social_flow";

export function socialFlowCookie(flowId: string, secure: boolean, maxAgeSeconds: number): string {
  return flowCookie(SOCIAL_FLOW_COOKIE, "/auth/social", flowId, secure, maxAgeSeconds);
}

export const ACCOUNT_SECURITY_PATH = "/account";

type Env = { Variables: { requestId: string; ip: string | null } };

export function mountSocialRoutes<E extends Env>(app: Hono<E>, deps: Deps): void {
  const { config, logger } = deps;
  const secure = config.publicUrl.startsWith("https:");
  const origin = (c: HonoContext<E>) => ({ ip: c.get("ip"), userAgent: c.req.header("user-agent") ?? null });
  const redirect = (location: string, cookies: string[]) => {
    const headers = new Headers({ "cache-control": "no-store", location: `${config.publicUrl}${location}` });
    for (const cookie of cookies) headers.append("Set-Cookie", cookie);
    return new Response(null, { status: 303, headers });
  };
  const refused = (c: HonoContext<E>, error: unknown, page: string) => {
    if (!(error instanceof RosterError)) throw error;
    logger.info("social sign-in refused", {
      requestId: c.get("requestId"),
      ip: c.get("ip"),
      reason: error.reason,
      message: error.message,
    });
    return redirect(`${page}?social_error=${error.reason}`, [socialFlowCookie("", secure, 0)]);
  };

  app.get("/auth/social/:provider/start", async (c) => {
    try {
      const started = await startSocialFlow(deps, origin(c), {
        provider: c.req.param("provider"),
        userId: null,
        returnTo: c.req.query("returnTo") ?? null,
      });
      const headers = new Headers({ "cache-control": "no-store", location: started.url });
      headers.append("Set-Cookie", socialFlowCookie(started.flowId, secure, SOCIAL_FLOW_TTL_SECONDS));
      return new Response(null, { status: 303, headers });
    } catch (error) {
      return refused(c, error, "/sign-in");
    }
  });

  app.get("/auth/social/:provider/callback", async (c) => {
    const query = new URL(c.req.url).searchParams;
    const cookies = c.req.header("cookie") ?? null;
    const token = readCookie(cookies, SESSION_COOKIE);
    const session = token ? await validateSessionToken(deps.db, token, deps.clock()) : null;
    const signedInUserId = session?.status === "valid" ? session.user.id : null;
    let outcome: SocialOutcome;
    try {
      outcome = await finishSocialFlow(deps, origin(c), {
        provider: c.req.param("provider"),
        code: query.get("code"),
        state: query.get("state"),
        error: query.get("error"),
        errorDescription: query.get("error_description"),
        flowCookie: readCookie(cookies, SOCIAL_FLOW_COOKIE),
        signedInUserId,
      });
    } catch (error) {
      // A link was started from account security: its refusal is shown there.
      return refused(c, error, signedInUserId ? ACCOUNT_SECURITY_PATH : "/sign-in");
    }
    const clearFlow = socialFlowCookie("", secure, 0);
    switch (outcome.kind) {
      case "linked":
        return redirect(`${ACCOUNT_SECURITY_PATH}?linked=${outcome.provider}`, [clearFlow]);
      case "two_factor": {
        const { pendingToken, methods } = outcome.pending;
        const next = outcome.returnTo ? `?next=${encodeURIComponent(outcome.returnTo)}` : "";
        const step = new URLSearchParams({ two_factor: pendingToken, methods: methods.join(",") });
        return redirect(`/sign-in${next}#${step}`, [clearFlow]);
      }
      case "signed_in":
        return redirect(outcome.returnTo ?? "/", [
          clearFlow,
          sessionCookie(outcome.signedIn.token, secure, outcome.signedIn.expiresAt),
        ]);
    }
  });
}
