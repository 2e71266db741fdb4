import { z } from "zod";
import { listMembers } from "../domain/member-list.js";
import * as members from "../domain/members.js";
import { orgProcedure, router } from "../trpc.js";
import { cursor, pageLimit, roleKey, uuid } from "./schemas.js";

const userId = uuid("user");

export const membersRouter = router({
  list: orgProcedure("members:read")
    .input(
      z.object({
        cursor,
        limit: pageLimit.optional(),
        search: z.string().max(254).optional(),
        status: z.enum(["active", "deactivated", "invited", "expired"]).optional(),
        role: roleKey.optional(),
        includeInvitations: z.boolean().optional(),
      }),
    )
    .query(({ ctx, input }) => listMembers(ctx.deps, ctx.access, input)),

  updateRole: orgProcedure("members:update_role")
    .input(z.object({ userId, role: roleKey }))
    .mutation(({ ctx, input }) => members.updateMemberRole(ctx.deps, ctx.access, input)),

  deactivate: orgProcedure("members:deactivate")
    .input(z.object({ userId }))
    .mutation(async ({ ctx, input }) => {
      await members.deactivateMember(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),

  reactivate: orgProcedure("members:deactivate")
    .input(z.object({ userId }))
    .mutation(async ({ ctx, input }) => {
      await members.reactivateMember(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),

  remove: orgProcedure("members:remove")
    .input(
      z.object({
        userIds: z
          .array(userId)
          .min(1, "Choose at least one member.")
          .max(100, "Remove at most 100 members at a time."),
        transferTo: userId.optional(),
      }),
    )
    .mutation(({ ctx, input }) => members.removeMembers(ctx.deps, ctx.access, input)),

  leave: orgProcedure(null)
    .input(z.object({ transferTo: userId.optional() }))
    .mutation(async ({ ctx, input }) => {
      await members.leaveOrganization(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
