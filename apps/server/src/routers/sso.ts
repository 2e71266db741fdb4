import { z } from "zod";
import * as connections from "../domain/sso-connections.js";
import { FLOW_TTL_SECONDS, startSsoSignIn, startSsoTest } from "../domain/sso-sign-in.js";
import { ssoFlowCookie } from "../sso-routes.js";
import { type Context, orgProcedure, publicProcedure, router } from "../trpc.js";
import { email, roleKey } from "./schemas.js";

const secureCookies = (ctx: Context) => ctx.deps.config.publicUrl.startsWith("https:");

const httpUrl = (what: string) =>
  z
    .string({ error: `Enter the ${what}.` })
    .trim()
    .max(2048, `The ${what} is at most 2048 characters.`)
    .pipe(z.url({ protocol: /^https?$/, error: `The ${what} must be an http(s) URL.` }));

const defaultRole = roleKey
  .refine((key) => key !== "owner", "People joining through single sign-on cannot start as owners.")
  .default("member");

const oidcInput = z.object({
  protocol: z.literal("oidc"),
  issuer: httpUrl("issuer URL"),
  clientId: z.string().trim().min(1, "Enter the client ID.").max(256),
  /** Omitted on an update: the stored secret stays. */
  clientSecret: z.string().min(1).max(1024).optional(),
  defaultRole,
});

const samlInput = z.object({
  protocol: z.literal("saml"),
  entityId: z.string().trim().min(1, "Enter the identity provider's entity ID.").max(1024),
  ssoUrl: httpUrl("identity provider's sign-in URL"),
  certificate: z.string().trim().min(1, "Paste the identity provider's signing certificate.").max(16_384),
  defaultRole,
});

export const ssoRouter = router({
  /**
   * Sign-in by email: when the address's domain is verified by an organization with an identity
   * provider, answers the provider's URL to send the browser to (`SSO_NOT_AVAILABLE` otherwise).
   * `returnTo` is a path on this deployment to land on afterwards.
   */
  start: publicProcedure
    .input(z.object({ email, returnTo: z.string().max(512).optional() }))
    .mutation(async ({ ctx, input }) => {
      const started = await startSsoSignIn(ctx.deps, input);
      ctx.resHeaders.append(
        "Set-Cookie",
        ssoFlowCookie(started.flowId, secureCookies(ctx), FLOW_TTL_SECONDS),
      );
      return { url: started.url, protocol: started.protocol, organization: started.organization };
    }),

  /** The connection (never its client secret) and the values to paste into the provider. */
  get: orgProcedure("domains:manage").query(({ ctx }) => connections.getSsoSettings(ctx.deps, ctx.access)),

  /** Creates or replaces the organization's OIDC or SAML connection (OIDC: its discovery document must answer). */
  configure: orgProcedure("domains:manage")
    .input(z.discriminatedUnion("protocol", [oidcInput, samlInput]))
    .mutation(({ ctx, input }) => connections.configureConnection(ctx.deps, ctx.access, input)),

  /** "Members on this domain must use SSO" (owners may still use their password). */
  setEnforcement: orgProcedure("domains:manage")
    .input(z.object({ enforced: z.boolean() }))
    .mutation(({ ctx, input }) => connections.setEnforcement(ctx.deps, ctx.access, input)),

  /** A test sign-in: open `url` in a new window; it ends on the settings page and signs nobody in. */
  test: orgProcedure("domains:manage").mutation(async ({ ctx }) => {
    const started = await startSsoTest(ctx.deps, ctx.access.orgId);
    ctx.resHeaders.append("Set-Cookie", ssoFlowCookie(started.flowId, secureCookies(ctx), FLOW_TTL_SECONDS));
    return { url: started.url };
  }),

  delete: orgProcedure("domains:manage").mutation(async ({ ctx }) => {
    await connections.deleteConnection(ctx.deps, ctx.access);
    return { ok: true as const };
  }),
});
