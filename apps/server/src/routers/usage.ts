import { z } from "zod";
import * as usage from "../domain/usage.js";
import { orgProcedure, router } from "../trpc.js";
import { idempotencyKey, instant, metadata, pageLimit, uuid } from "./schemas.js";

const unit = z
  .string()
  .trim()
  .min(1, "Name the unit, such as cpu_hours.")
  .max(40, "Units are at most 40 characters.");
const amount = z
  .number({ error: "Enter a number." })
  .finite("Enter a finite number.")
  .max(1e12, "This number is too large.");

const event = z.object({
  idempotencyKey,
  quantity: amount.min(0, "Quantities cannot be negative."),
  unit,
  occurredAt: instant.optional(),
  userId: uuid("user").optional(),
  resourceId: uuid("resource").optional(),
  credits: amount.min(0, "Credits consumed cannot be negative.").optional(),
  metadata: metadata.optional(),
});

export const usageRouter = router({
  /** A repeated idempotency key is a no-op (counted in `duplicates`). */
  record: orgProcedure("usage:write")
    .input(
      z.object({
        events: z
          .array(event)
          .min(1, "Send at least one usage event.")
          .max(500, "Send at most 500 usage events at a time."),
      }),
    )
    .mutation(({ ctx, input }) => usage.recordUsage(ctx.deps, ctx.access, input)),

  report: orgProcedure("usage:read")
    .input(
      z.object({
        groupBy: z.enum(["organization", "member", "workspace", "resource"], {
          error: "Group by organization, member, workspace or resource.",
        }),
        period: z.enum(["day", "month"], { error: "The period is day or month." }),
        from: instant,
        to: instant,
        unit: unit.optional(),
      }),
    )
    .query(({ ctx, input }) => usage.usageReport(ctx.deps, ctx.access, input)),

  balance: orgProcedure("usage:read").query(({ ctx }) => usage.creditBalance(ctx.deps, ctx.access)),

  grantCredits: orgProcedure("credits:manage")
    .input(
      z.object({
        amount: amount.positive("Grant a positive number of credits."),
        reason: z.string().trim().max(300, "Reasons are at most 300 characters.").optional(),
        idempotencyKey: idempotencyKey.optional(),
      }),
    )
    .mutation(({ ctx, input }) => usage.grantCredits(ctx.deps, ctx.access, input)),

  creditGrants: orgProcedure("usage:read")
    .input(z.object({ limit: pageLimit.optional() }))
    .query(({ ctx, input }) => usage.listCreditGrants(ctx.deps, ctx.access, input)),
});
