import { z } from "zod";
import * as groups from "../domain/groups.js";
import { orgProcedure, router } from "../trpc.js";
import { displayName, uuid } from "./schemas.js";

const groupId = uuid("group");
const userId = uuid("user");
const name = displayName(80, {
  empty: "Enter a name for the group.",
  tooLong: "Group names are at most 80 characters.",
});
const description = z.string().trim().max(500, "Descriptions are at most 500 characters.");

/** Groups are managed with the workspaces permissions ("workspaces and groups"). */
export const groupsRouter = router({
  list: orgProcedure("workspaces:read").query(({ ctx }) => groups.listGroups(ctx.deps, ctx.access)),

  get: orgProcedure("workspaces:read")
    .input(z.object({ groupId }))
    .query(({ ctx, input }) => groups.getGroup(ctx.deps, ctx.access, input)),

  create: orgProcedure("workspaces:manage")
    .input(z.object({ name, description: description.optional() }))
    .mutation(({ ctx, input }) => groups.createGroup(ctx.deps, ctx.access, input)),

  update: orgProcedure("workspaces:manage")
    .input(z.object({ groupId, name: name.optional(), description: description.optional() }))
    .mutation(({ ctx, input }) => groups.updateGroup(ctx.deps, ctx.access, input)),

  delete: orgProcedure("workspaces:manage")
    .input(z.object({ groupId }))
    .mutation(async ({ ctx, input }) => {
      await groups.deleteGroup(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),

  addMembers: orgProcedure("workspaces:manage")
    .input(
      z.object({
        groupId,
        userIds: z
          .array(userId)
          .min(1, "Choose at least one member.")
          .max(100, "Add at most 100 members at a time."),
      }),
    )
    .mutation(({ ctx, input }) => groups.addGroupMembers(ctx.deps, ctx.access, input)),

  removeMember: orgProcedure("workspaces:manage")
    .input(z.object({ groupId, userId }))
    .mutation(async ({ ctx, input }) => {
      await groups.removeGroupMember(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
