import { z } from "zod";
import * as scim from "../domain/scim-tokens.js";
import { orgProcedure, router } from "../trpc.js";
import { displayName, roleKey, uuid } from "./schemas.js";

export const scimRouter = router({
  /** The organization's SCIM tokens (masked), the role provisioned members get, and the group → role mappings. */
  get: orgProcedure("scim:manage").query(({ ctx }) => scim.getScimConnection(ctx.deps, ctx.access)),

  /** A new bearer token for the identity provider; `token` is shown this once. */
  createToken: orgProcedure("scim:manage")
    .input(
      z.object({
        name: displayName(100, {
          empty: "Name the token after the identity provider that will use it, like Okta.",
          tooLong: "Token names are at most 100 characters.",
        }),
      }),
    )
    .mutation(({ ctx, input }) => scim.createScimToken(ctx.deps, ctx.access, input)),

  /** The token stops working at once. */
  revokeToken: orgProcedure("scim:manage")
    .input(z.object({ tokenId: z.string().trim().min(1).max(64) }))
    .mutation(({ ctx, input }) => scim.revokeScimToken(ctx.deps, ctx.access, input)),

  /** The role newly provisioned members get (never owner). */
  setDefaultRole: orgProcedure("scim:manage")
    .input(z.object({ role: roleKey }))
    .mutation(({ ctx, input }) => scim.setScimDefaultRole(ctx.deps, ctx.access, input)),

  /** Members of the group get `role`, or lose the mapping with null. */
  mapGroupRole: orgProcedure("scim:manage")
    .input(z.object({ groupId: uuid("group"), role: roleKey.nullable() }))
    .mutation(({ ctx, input }) => scim.mapScimGroupRole(ctx.deps, ctx.access, input)),
});
