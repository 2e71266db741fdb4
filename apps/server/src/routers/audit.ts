import { z } from "zod";
import { listAudit } from "../domain/audit.js";
import { orgProcedure, router } from "../trpc.js";
import { cursor, pageLimit } from "./schemas.js";

export const auditRouter = router({
  list: orgProcedure("audit:read")
    .input(z.object({ cursor, limit: pageLimit.optional(), action: z.string().max(64).optional() }))
    .query(({ ctx, input }) => listAudit(ctx.deps, ctx.access, input)),
});
