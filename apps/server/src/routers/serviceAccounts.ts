import { z } from "zod";
import * as serviceAccounts from "../domain/service-accounts.js";
import { orgProcedure, router } from "../trpc.js";
import { displayName, roleKey, uuid } from "./schemas.js";

const userId = uuid("service account");
const name = displayName(100, {
  empty: "Enter a name for the service account.",
  tooLong: "Names are at most 100 characters.",
});
const description = z.string().trim().max(500, "Descriptions are at most 500 characters.");
const keyName = displayName(100, {
  empty: "Enter a name for the key, such as where it is used.",
  tooLong: "Key names are at most 100 characters.",
});
const keyId = z
  .string()
  .regex(/^[a-z2-9]{24}$/, "This is not a valid API key id. Pick the key from the list of keys.");

export const serviceAccountsRouter = router({
  list: orgProcedure("members:read").query(({ ctx }) =>
    serviceAccounts.listServiceAccounts(ctx.deps, ctx.access),
  ),

  create: orgProcedure("service_accounts:manage")
    .input(z.object({ name, role: roleKey, description: description.optional() }))
    .mutation(({ ctx, input }) => serviceAccounts.createServiceAccount(ctx.deps, ctx.access, input)),

  update: orgProcedure("service_accounts:manage")
    .input(
      z.object({
        userId,
        name: name.optional(),
        description: description.optional(),
        role: roleKey.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await serviceAccounts.updateServiceAccount(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),

  delete: orgProcedure("service_accounts:manage")
    .input(z.object({ userId, transferTo: uuid("user").optional() }))
    .mutation(({ ctx, input }) => serviceAccounts.deleteServiceAccount(ctx.deps, ctx.access, input)),

  /** The key is in this answer only. */
  createKey: orgProcedure("service_accounts:manage")
    .input(z.object({ userId, name: keyName }))
    .mutation(({ ctx, input }) => serviceAccounts.createApiKey(ctx.deps, ctx.access, input)),

  keys: orgProcedure("service_accounts:manage")
    .input(z.object({ userId }))
    .query(({ ctx, input }) => serviceAccounts.listApiKeys(ctx.deps, ctx.access, input)),

  revokeKey: orgProcedure("service_accounts:manage")
    .input(z.object({ keyId }))
    .mutation(async ({ ctx, input }) => {
      await serviceAccounts.revokeApiKey(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
