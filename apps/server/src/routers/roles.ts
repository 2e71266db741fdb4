import { z } from "zod";
import { permissionCatalogue } from "../domain/permissions.js";
import * as roles from "../domain/roles.js";
import { authedProcedure, orgProcedure, router } from "../trpc.js";
import { displayName, roleKey } from "./schemas.js";

const name = displayName(60, {
  empty: "Enter a name for the role.",
  tooLong: "Role names are at most 60 characters.",
});
const description = z.string().trim().max(300, "Descriptions are at most 300 characters.");
const permissions = z.array(z.string().max(64)).max(100);

export const rolesRouter = router({
  list: orgProcedure(null).query(({ ctx }) => roles.listRoles(ctx.deps, ctx.access)),

  /** Every permission with the sentence that names it, for role editors. */
  catalogue: authedProcedure.query(() => permissionCatalogue()),

  create: orgProcedure("roles:manage")
    .input(z.object({ key: roleKey, name, description: description.optional(), permissions }))
    .mutation(({ ctx, input }) => roles.createRole(ctx.deps, ctx.access, input)),

  update: orgProcedure("roles:manage")
    .input(
      z.object({
        key: roleKey,
        name: name.optional(),
        description: description.optional(),
        permissions: permissions.optional(),
      }),
    )
    .mutation(({ ctx, input }) => roles.updateRole(ctx.deps, ctx.access, input)),

  delete: orgProcedure("roles:manage")
    .input(z.object({ key: roleKey }))
    .mutation(async ({ ctx, input }) => {
      await roles.deleteRole(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
