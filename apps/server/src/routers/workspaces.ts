import { z } from "zod";
import * as grants from "../domain/workspace-grants.js";
import { myWorkspacePermissions } from "../domain/workspace-permissions.js";
import * as workspaces from "../domain/workspaces.js";
import { orgProcedure, router, workspaceProcedure } from "../trpc.js";
import { displayName, roleKey, uuid } from "./schemas.js";

const workspaceId = uuid("workspace");
const name = displayName(80, {
  empty: "Enter a name for the workspace.",
  tooLong: "Workspace names are at most 80 characters.",
});
const description = z.string().trim().max(500, "Descriptions are at most 500 characters.");

export const principal = z.union(
  [
    z.object({ userId: uuid("user") }).strict(),
    z.object({ groupId: uuid("group") }).strict(),
    z.object({ invitationId: uuid("invitation") }).strict(),
  ],
  { error: "Name one member (userId), one group (groupId) or one pending invitation (invitationId)." },
);

export const workspacesRouter = router({
  list: orgProcedure("workspaces:read").query(({ ctx }) => workspaces.listWorkspaces(ctx.deps, ctx.access)),

  get: orgProcedure("workspaces:read")
    .input(z.object({ workspaceId }))
    .query(({ ctx, input }) => workspaces.getWorkspace(ctx.deps, ctx.access, input)),

  /** Needs workspaces:manage in the parent (or in the organization for a top-level workspace). */
  create: workspaceProcedure
    .input(
      z.object({ name, description: description.optional(), parentId: workspaceId.nullable().optional() }),
    )
    .mutation(({ ctx, input }) => workspaces.createWorkspace(ctx.deps, ctx.access, input)),

  /** Rename, describe, or move (`parentId`, null for the top level). */
  update: workspaceProcedure
    .input(
      z.object({
        workspaceId,
        name: name.optional(),
        description: description.optional(),
        parentId: workspaceId.nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => workspaces.updateWorkspace(ctx.deps, ctx.access, input)),

  delete: workspaceProcedure.input(z.object({ workspaceId })).mutation(async ({ ctx, input }) => {
    await workspaces.deleteWorkspace(ctx.deps, ctx.access, input);
    return { ok: true as const };
  }),

  grants: workspaceProcedure
    .input(z.object({ workspaceId }))
    .query(({ ctx, input }) => grants.listWorkspaceGrants(ctx.deps, ctx.access, input)),

  grant: workspaceProcedure
    .input(z.object({ workspaceId, principal, role: roleKey }))
    .mutation(({ ctx, input }) => grants.grantWorkspaceAccess(ctx.deps, ctx.access, input)),

  revoke: workspaceProcedure.input(z.object({ workspaceId, principal })).mutation(async ({ ctx, input }) => {
    await grants.revokeWorkspaceAccess(ctx.deps, ctx.access, input);
    return { ok: true as const };
  }),

  /** My effective permissions in a workspace: organization role ∪ grants here and above, mine and my groups'. */
  permissions: orgProcedure(null)
    .input(z.object({ workspaceId }))
    .query(({ ctx, input }) => myWorkspacePermissions(ctx.deps, ctx.access, input)),
});
