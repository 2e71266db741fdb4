import { z } from "zod";
import { SIGN_IN_METHODS } from "../domain/access.js";
import * as orgs from "../domain/organizations.js";
import { transferOwnership } from "../domain/ownership-transfer.js";
import { SESSION_IDLE_MINUTES, SESSION_MAX_AGE_MINUTES, setSignInPolicy } from "../domain/sign-in-policy.js";
import { setTwoFactorPolicy } from "../domain/two-factor-policy.js";
import { authedProcedure, orgProcedure, router, sessionFacts, twoFactorProof } from "../trpc.js";
import { metadata, orgName, slug, uuid } from "./schemas.js";

const minutes = (what: string, { min, max }: { min: number; max: number }) =>
  z
    .number({ error: `The ${what} is a number of minutes.` })
    .int(`The ${what} is a whole number of minutes.`)
    .min(min, `The ${what} is at least ${min} minutes.`)
    .max(max, `The ${what} is at most ${max} minutes (${max / 1440} days).`);

const signInPolicy = z.object({
  sessionMaxAgeMinutes: minutes("session lifetime", SESSION_MAX_AGE_MINUTES).nullable().optional(),
  idleTimeoutMinutes: minutes("idle timeout", SESSION_IDLE_MINUTES).nullable().optional(),
  allowedSignInMethods: z
    .array(
      z.enum(SIGN_IN_METHODS, {
        error: `Sign-in methods are ${SIGN_IN_METHODS.join(", ")}.`,
      }),
    )
    .min(1, "Accept at least one way of signing in (or every one: null).")
    .max(SIGN_IN_METHODS.length * 2, "List each sign-in method once.")
    .nullable()
    .optional(),
});

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

  /**
   * Session lifetime, idle timeout and accepted sign-in methods: sessions outside them are refused
   * in the organization (SESSION_POLICY_EXPIRED, SIGN_IN_METHOD_NOT_ALLOWED) until signed in again.
   */
  setSignInPolicy: orgProcedure("org:update")
    .input(signInPolicy)
    .mutation(({ ctx, input, path }) =>
      setSignInPolicy(ctx.deps, ctx.access, input, sessionFacts(ctx.auth, path, ctx.deps.clock())),
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
      await transferOwnership(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
