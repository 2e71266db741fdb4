import { z } from "zod";
import { listAudit } from "../domain/audit.js";
import { orgProcedure, router } from "../trpc.js";
import { cursor, instant, pageLimit, uuid } from "./schemas.js";

const word = (what: string) => z.string().trim().min(1).max(64, `${what} are at most 64 characters.`);

export const auditRouter = router({
  list: orgProcedure("audit:read")
    .input(
      z.object({
        cursor,
        limit: pageLimit.optional(),
        action: word("Actions").optional(),
        actorId: uuid("user").optional(),
        targetType: word("Target types").optional(),
        targetId: z.string().trim().min(1).max(200, "Target ids are at most 200 characters.").optional(),
        from: instant.optional(),
        to: instant.optional(),
      }),
    )
    .query(({ ctx, input }) => listAudit(ctx.deps, ctx.access, input)),
});
