import { z } from "zod";
import * as settings from "../domain/settings.js";
import { orgProcedure, router } from "../trpc.js";

const key = z
  .string()
  .trim()
  .min(1, "Enter the setting's key.")
  .max(100, "Setting keys are at most 100 characters.")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    "Setting keys use letters, digits, '.', '_', ':' and '-', starting with a letter or digit.",
  );
/** A JSON value, named here so that the published router types need no zod. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const value: z.ZodType<JsonValue> = z
  .json({ error: "A setting's value must be JSON: a string, number, boolean, list or object." })
  .refine((v) => JSON.stringify(v).length <= 16_384, "A setting's value is limited to 16 KB of JSON.");
const secretValue = z
  .string()
  .min(1, "Enter the secret's value.")
  .max(8192, "Secret values are at most 8,192 characters.");

export const settingsRouter = router({
  list: orgProcedure("settings:read").query(({ ctx }) => settings.listSettings(ctx.deps, ctx.access)),

  get: orgProcedure("settings:read")
    .input(z.object({ key }))
    .query(({ ctx, input }) => settings.getSetting(ctx.deps, ctx.access, input)),

  set: orgProcedure("settings:write")
    .input(z.object({ key, value }))
    .mutation(({ ctx, input }) =>
      settings.setSetting(ctx.deps, ctx.access, { key: input.key, value: input.value }),
    ),

  /** Write-only: the value is sealed and no read ever returns it. */
  setSecret: orgProcedure("settings:write")
    .input(z.object({ key, value: secretValue }))
    .mutation(({ ctx, input }) =>
      settings.setSetting(ctx.deps, ctx.access, { key: input.key, secret: true, value: input.value }),
    ),

  delete: orgProcedure("settings:write")
    .input(z.object({ key }))
    .mutation(async ({ ctx, input }) => {
      await settings.deleteSetting(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
