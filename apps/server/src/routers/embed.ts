import { z } from "zod";
import { EMBED_SCOPES } from "../auth/embed-scopes.js";
import * as embed from "../domain/embed.js";
import { setSeatLimit } from "../domain/organizations.js";
import { hostProcedure, publicProcedure, router } from "../trpc.js";
import { email, emailToken, personName, uuid } from "./schemas.js";

const externalUserId = z.string().trim().min(1, "Give the user's id in your product.").max(200);
export const redirectUrl = z.string().max(2000, "A redirect URL is at most 2,000 characters.");

export const embedRouter = router({
  /**
   * For a host backend: a short-lived bearer token that the browser widgets send for this user,
   * limited to `scopes` (default: everything but `profile`) and, with `orgId`, to one organization.
   */
  createToken: hostProcedure
    .input(
      z.object({
        externalUserId,
        email,
        name: personName,
        scopes: z
          .array(z.enum(EMBED_SCOPES, `Scopes are: ${EMBED_SCOPES.join(", ")}.`))
          .max(EMBED_SCOPES.length * 2)
          .optional(),
        orgId: uuid("organization").optional(),
      }),
    )
    .mutation(({ ctx, input }) => embed.createEmbedToken(ctx.deps, ctx.host, ctx, input)),

  /** For a host backend: ends every embed token of one of its users at once. */
  revokeTokens: hostProcedure
    .input(z.object({ externalUserId }))
    .mutation(({ ctx, input }) => embed.revokeEmbedTokens(ctx.deps, ctx.host, input)),

  /**
   * For a host backend: asks the owner of an existing Roster account to connect it to this host's
   * user; they get an email with a one-time link.
   */
  startLink: hostProcedure
    .input(z.object({ externalUserId, email, redirectUrl: redirectUrl.optional() }))
    .mutation(({ ctx, input }) => embed.startLink(ctx.deps, ctx.host, input)),

  /** Which product a connection link is for, shown before the person confirms it. */
  previewLink: publicProcedure
    .input(z.object({ token: emailToken }))
    .query(({ ctx, input }) => embed.previewLink(ctx.deps, input)),

  /** The account's owner confirms the emailed connection link. */
  completeLink: publicProcedure
    .input(z.object({ token: emailToken }))
    .mutation(({ ctx, input }) => embed.completeLink(ctx.deps, input)),

  /** For a host backend: override the deployment's default seat limit for one organization. */
  setSeatLimit: hostProcedure
    .input(
      z.object({
        orgId: uuid("organization"),
        seatLimit: z.number().int().min(1, "A seat limit is at least 1.").max(1_000_000).nullable(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await setSeatLimit(ctx.deps, input.orgId, input.seatLimit);
      return { ok: true as const };
    }),
});
