import { z } from "zod";
import { createEmbedToken } from "../domain/embed.js";
import { setSeatLimit } from "../domain/organizations.js";
import { hostProcedure, router } from "../trpc.js";
import { email, personName, uuid } from "./schemas.js";

export const embedRouter = router({
  /** For a host backend: a short-lived bearer token that the browser widgets send for this user. */
  createToken: hostProcedure
    .input(
      z.object({
        externalUserId: z.string().trim().min(1, "Give the user's id in your product.").max(200),
        email,
        name: personName,
      }),
    )
    .mutation(({ ctx, input }) => createEmbedToken(ctx.deps, ctx.host, ctx, input)),

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
