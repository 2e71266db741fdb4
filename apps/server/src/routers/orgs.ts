import { z } from "zod";
import * as orgs from "../domain/organizations.js";
import { setTwoFactorPolicy } from "../domain/two-factor-policy.js";
import { authedProcedure, orgProcedure, router, twoFactorProof } from "../trpc.js";
import { metadata, orgName, slug, uuid } from "./schemas.js";

export const orgsRouter = router({
  create: authedProcedure
    .input(z.object({ name: orgName, slug: slug.optional(), metadata: metadata.optional() }))
    .mutation(({ ctx, input }) => orgs.createOrganization(ctx.deps, ctx.actor, input)),

  get: orgProcedure(null).query(({ ctx }) => orgs.getOrganization(ctx.deps, ctx.access)),

  update: orgProcedure("org:update")
    .input(z.object({ name: orgName.optional(), slug: slug.optional(), metadata: metadata.optional() }))
    .mutation(({ ctx, input }) => orgs.updateOrganization(ctx.deps, ctx.access, input)),

  delete: orgProcedure("org:delete").mutation(async ({ ctx }) => {
    await orgs.deleteOrganization(ctx.deps, ctx.access);
    return { ok: true as const };
  }),

  /** "Members must use two-factor": members without it are refused (MFA_REQUIRED) until they enroll. */
  setTwoFactorPolicy: orgProcedure("org:update")
    .input(z.object({ required: z.boolean() }))
    .mutation(({ ctx, input, path }) =>
      setTwoFactorPolicy(ctx.deps, ctx.access, input, twoFactorProof(ctx.auth, path)),
    ),

  list: authedProcedure.query(({ ctx }) => orgs.listMyOrganizations(ctx.deps, ctx.actor)),

  setActive: orgProcedure(null).mutation(async ({ ctx }) => {
    await orgs.setActiveOrganization(ctx.deps, ctx.access);
    return { orgId: ctx.access.orgId };
  }),

  permissions: orgProcedure(null).query(({ ctx }) => orgs.myPermissions(ctx.access)),

  transferOwnership: orgProcedure("org:transfer")
    .input(z.object({ userId: uuid("user") }))
    .mutation(async ({ ctx, input }) => {
      await orgs.transferOwnership(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
