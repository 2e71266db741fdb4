import { z } from "zod";
import { getHostLinks, updateHostLinks } from "../domain/host-links.js";
import { hostProcedure, router } from "../trpc.js";
import { redirectUrl } from "./embed.js";

const template = z.string().max(2000, "A URL is at most 2,000 characters.").nullable().optional();

/** A host product's own settings, for its backend (host API key). */
export const hostRouter = router({
  get: hostProcedure.query(async ({ ctx }) => ({
    id: ctx.host.id,
    name: ctx.host.name,
    ...(await getHostLinks(ctx.deps.db, ctx.host.id)),
  })),

  /** Where this host's links land. `null` clears a template; `redirectUrls` replaces the list. */
  update: hostProcedure
    .input(
      z.object({
        acceptInvitationUrl: template,
        resetPasswordUrl: template,
        verifyEmailUrl: template,
        redirectUrls: z.array(redirectUrl).max(20, "List at most 20 redirect URLs.").optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      updateHostLinks(ctx.deps.db, ctx.deps.config.production, ctx.host.id, input),
    ),
});
