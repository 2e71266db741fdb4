import type { Hono, Context as HonoContext } from "hono";
import { z } from "zod";
import { flowCookie, readCookie, sessionCookie } from "./auth/cookies.js";
import { samlMetadata } from "./auth/sso-saml.js";
import type { Deps } from "./deps.js";
import { serviceProvider } from "./domain/sso-connections.js";
import { finishOidcSignIn, finishSamlSignIn, type SsoOutcome } from "./domain/sso-sign-in.js";
import { RosterError } from "./errors.js";

/**
 * The HTTP ends of single sign-on, outside tRPC because identity providers send browsers here:
 * `GET /sso/oidc/callback` (the OIDC redirect URI), `POST /sso/saml/:orgId/acs` (the SAML
 * Assertion Consumer Service) and `GET /sso/saml/:orgId/metadata` (the service provider's
 * metadata). Both ends answer with a redirect: into the app with a session, or to the sign-in
 * page with `sso_error=<reason>` (the Security page with `sso_test=…` for a test) and no session.
 */

/** Holds the id of the OIDC flow this browser started; the callback must come back with it. */
export const SSO_FLOW_COOKIE = "roster_sso_flow";

export function ssoFlowCookie(flowId: string, secure: boolean, maxAgeSeconds: number): string {
  return flowCookie(SSO_FLOW_COOKIE, "/sso", flowId, secure, maxAgeSeconds);
}

type Info = () => { ip: string | null; requestId: string };

const orgIdParam = z.uuid();
const samlForm = z.object({
  SAMLResponse: z
    .string()
    .min(1)
    .max(512 * 1024),
  RelayState: z.string().max(64).default(""),
});

export function mountSsoRoutes<E extends { Variables: { requestId: string; ip: string | null } }>(
  app: Hono<E>,
  deps: Deps,
): void {
  const { config, logger } = deps;
  const secure = config.publicUrl.startsWith("https:");
  const info: (c: HonoContext<E>) => ReturnType<Info> = (c) => ({
    ip: c.get("ip"),
    requestId: c.get("requestId"),
  });

  const answer = async (c: HonoContext<E>, run: () => Promise<SsoOutcome>) => {
    const headers = new Headers({ "cache-control": "no-store" });
    headers.append("Set-Cookie", ssoFlowCookie("", secure, 0));
    let location: string;
    try {
      const outcome = await run();
      if (outcome.purpose === "test") {
        const email = outcome.email ? `&sso_email=${encodeURIComponent(outcome.email)}` : "";
        location = `/orgs/${outcome.orgId}/security?sso_test=ok${email}`;
      } else {
        const { signedIn } = outcome;
        headers.append("Set-Cookie", sessionCookie(signedIn.token, secure, signedIn.expiresAt));
        location = outcome.returnTo ?? `/orgs/${signedIn.orgId}`;
      }
    } catch (error) {
      if (!(error instanceof RosterError)) throw error;
      logger.info("sso refused", { ...info(c), reason: error.reason, message: error.message });
      location = `/sign-in?sso_error=${error.reason}`;
    }
    headers.set("location", `${config.publicUrl}${location}`);
    return new Response(null, { status: 303, headers });
  };

  app.get("/sso/oidc/callback", (c) => {
    // The URL the provider redirected to, as registered (PUBLIC_URL), with its query.
    const query = new URL(c.req.url).search;
    const callbackUrl = new URL(`${serviceProvider(deps, "").redirectUri}${query}`);
    const origin = { ip: c.get("ip"), userAgent: c.req.header("user-agent") ?? null };
    return answer(c, () =>
      finishOidcSignIn(deps, origin, {
        callbackUrl,
        flowCookie: readCookie(c.req.header("cookie") ?? null, SSO_FLOW_COOKIE),
      }),
    );
  });

  app.post("/sso/saml/:orgId/acs", async (c) => {
    const orgId = orgIdParam.safeParse(c.req.param("orgId"));
    // A SAML response is a few kilobytes; the body is read only when it says it is small.
    const small = Number(c.req.header("content-length") ?? Number.NaN) <= config.maxBodyBytes;
    const form = samlForm.safeParse(small ? await c.req.parseBody().catch(() => ({})) : {});
    const origin = { ip: c.get("ip"), userAgent: c.req.header("user-agent") ?? null };
    return answer(c, async () => {
      if (!orgId.success || !form.success) {
        throw new RosterError("BAD_REQUEST", "SSO_RESPONSE_INVALID", "This is not a SAML response.");
      }
      return finishSamlSignIn(deps, origin, orgId.data, form.data);
    });
  });

  app.get("/sso/saml/:orgId/metadata", async (c) => {
    const orgId = orgIdParam.safeParse(c.req.param("orgId"));
    if (!orgId.success) return c.text("Not found", 404);
    const sp = serviceProvider(deps, orgId.data);
    return c.body(await samlMetadata({ entityId: sp.entityId, acsUrl: sp.acsUrl }), 200, {
      "content-type": "application/samlmetadata+xml",
    });
  });
}
