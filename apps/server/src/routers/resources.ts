import { z } from "zod";
import { registerResource } from "../domain/resource-registration.js";
import * as transfer from "../domain/resource-transfer.js";
import * as resources from "../domain/resources.js";
import { router, workspaceProcedure } from "../trpc.js";
import { cursor, displayName, idempotencyKey, metadata, pageLimit, uuid } from "./schemas.js";

const resourceId = uuid("resource");
const workspaceId = uuid("workspace");
const type = z
  .string()
  .trim()
  .min(1, "Enter the resource's type, such as cluster.")
  .max(40, "Resource types are at most 40 characters.")
  .regex(/^[a-z][a-z0-9_.-]*$/, "Resource types use lowercase letters, digits, '.', '_' and '-'.");
const name = displayName(120, {
  empty: "Enter a name for the resource.",
  tooLong: "Resource names are at most 120 characters.",
});
const byId = z.object({ resourceId });

/** The domain (`domain/resources.ts`) checks each permission in the resource's workspace: organization role plus workspace grants. */
export const resourcesRouter = router({
  register: workspaceProcedure
    .input(
      z.object({
        type,
        name,
        workspaceId: workspaceId.nullable().optional(),
        ownerId: uuid("user").optional(),
        state: z.enum(["running", "stopped"], { error: "A new resource is running or stopped." }).optional(),
        metadata: metadata.optional(),
        idempotencyKey: idempotencyKey.optional(),
      }),
    )
    .mutation(({ ctx, input }) => registerResource(ctx.deps, ctx.access, input)),

  list: workspaceProcedure
    .input(
      z.object({
        cursor,
        limit: pageLimit.optional(),
        type: type.optional(),
        workspaceId: workspaceId.optional(),
        includeSubWorkspaces: z.boolean({ error: "includeSubWorkspaces is true or false." }).optional(),
        ownerId: uuid("user").optional(),
        state: z
          .enum(["running", "stopped", "terminated"], {
            error: "The state is running, stopped or terminated.",
          })
          .optional(),
        search: z.string().max(120, "Search for at most 120 characters.").optional(),
      }),
    )
    .query(({ ctx, input }) => resources.listResources(ctx.deps, ctx.access, input)),

  get: workspaceProcedure
    .input(byId)
    .query(({ ctx, input }) => resources.getResource(ctx.deps, ctx.access, input)),

  /** The owner, or anyone with resources:manage in its workspace. Moving needs resources:create at the destination. */
  update: workspaceProcedure
    .input(
      z.object({
        resourceId,
        name: name.optional(),
        metadata: metadata.optional(),
        workspaceId: workspaceId.nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => resources.updateResource(ctx.deps, ctx.access, input)),

  start: workspaceProcedure
    .input(byId)
    .mutation(({ ctx, input }) =>
      resources.operateResource(ctx.deps, ctx.access, { ...input, action: "start" }),
    ),

  stop: workspaceProcedure
    .input(byId)
    .mutation(({ ctx, input }) =>
      resources.operateResource(ctx.deps, ctx.access, { ...input, action: "stop" }),
    ),

  /** Final: a terminated resource cannot be started again. */
  terminate: workspaceProcedure
    .input(byId)
    .mutation(({ ctx, input }) =>
      resources.operateResource(ctx.deps, ctx.access, { ...input, action: "terminate" }),
    ),

  transfer: workspaceProcedure
    .input(z.object({ resourceId, toUserId: uuid("user") }))
    .mutation(({ ctx, input }) => transfer.transferResource(ctx.deps, ctx.access, input)),

  delete: workspaceProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await resources.deleteResource(ctx.deps, ctx.access, input);
    return { ok: true as const };
  }),
});
