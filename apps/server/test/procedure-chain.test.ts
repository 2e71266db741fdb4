import { initTRPC, TRPCError } from "@trpc/server";
import type { AnyProcedure } from "@trpc/server/unstable-core-do-not-import";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runProcedure } from "../src/trpc-direct.js";

/**
 * The direct path runs a procedure's middleware chain itself (`runProcedure`). Whatever a chain
 * does — merge context and input, parse schemas (asynchronous ones too), fail at any level, map a
 * failure on its way out — must come out exactly as tRPC's own call of the procedure gives it.
 */

interface Ctx {
  user: string | null;
  trail: string[];
}
const t = initTRPC.context<Ctx>().create();

const base = t.procedure.use(async ({ ctx, next }) => {
  ctx.trail.push("outer");
  const result = await next({ ctx: { level: 1 } });
  // A failure on its way out, mapped as Roster's first middleware maps errors.
  if (!result.ok && result.error.code === "CONFLICT") {
    return {
      ...result,
      error: new TRPCError({ code: "BAD_REQUEST", message: "mapped", cause: result.error }),
    };
  }
  return result;
});
const signedIn = base.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in" });
  return next({ ctx: { user: ctx.user, level: 2 } });
});
const scoped = signedIn
  .input(z.object({ orgId: z.string().min(1) }))
  .use(({ input, next }) => next({ ctx: { org: input.orgId.toUpperCase() } }));

const procedures: Record<string, AnyProcedure> = {
  echo: scoped
    .input(z.object({ n: z.number().int().default(1), tags: z.array(z.string()).optional() }))
    .query(({ ctx, input }) => ({ ctx: { ...ctx, trail: [...ctx.trail] }, input })),
  slowCheck: signedIn
    .input(z.object({ code: z.string().refine(async (v) => v === "open", "Wrong code.") }))
    .mutation(({ input }) => ({ ok: input.code })),
  conflict: signedIn.query(() => {
    throw new TRPCError({ code: "CONFLICT", message: "taken" });
  }),
  crash: signedIn.query(() => {
    throw new Error("boom");
  }),
  forgetful: base
    .use(async ({ next }) => {
      await next();
      return undefined as never;
    })
    .query(() => "never seen"),
  noInput: signedIn.query(({ input, ctx }) => ({
    input: input ?? null,
    level: (ctx as { level: number }).level,
  })),
};

/** Both ways of calling: what each returned, or the error each threw (code, message, cause). */
async function outcome(run: () => Promise<unknown>) {
  try {
    return { data: await run() };
  } catch (error) {
    if (!(error instanceof TRPCError)) return { thrown: String(error) };
    const cause = error.cause;
    return {
      code: error.code,
      message: error.message,
      cause: cause instanceof z.ZodError ? cause.issues : cause instanceof Error ? cause.message : cause,
    };
  }
}

async function both(name: string, input: unknown, user: string | null = "ann") {
  const procedure = procedures[name] as AnyProcedure;
  const type = procedure._def.type as "query" | "mutation";
  const call = (ctx: Ctx) => ({
    path: name,
    type,
    ctx,
    getRawInput: async () => input,
    signal: undefined,
  });
  const ours = await outcome(() => runProcedure(procedure, call({ user, trail: [] })));
  const theirs = await outcome(() => procedure({ ...call({ user, trail: [] }), batchIndex: 0 }));
  expect(ours, name).toEqual(theirs);
  return ours;
}

describe("the direct path's procedure chain", () => {
  it("merges context and input across levels as tRPC does", async () => {
    const echo = await both("echo", { orgId: "acme", tags: ["a"] });
    expect(echo).toEqual({
      data: {
        ctx: { user: "ann", trail: ["outer"], level: 2, org: "ACME" },
        input: { orgId: "acme", n: 1, tags: ["a"] },
      },
    });
    expect(await both("noInput", undefined)).toEqual({ data: { input: null, level: 2 } });
  });

  it("fails at the level that fails, with the same errors", async () => {
    expect(await both("echo", { orgId: "acme" }, null)).toMatchObject({ code: "UNAUTHORIZED" });
    expect(await both("echo", { orgId: "" })).toMatchObject({ code: "BAD_REQUEST" });
    expect(await both("echo", { orgId: "acme", n: 1.5 })).toMatchObject({ code: "BAD_REQUEST" });
    expect(await both("echo", "not an object")).toMatchObject({ code: "BAD_REQUEST" });
    expect(await both("conflict", undefined)).toMatchObject({ code: "BAD_REQUEST", message: "mapped" });
    expect(await both("crash", undefined)).toMatchObject({ code: "INTERNAL_SERVER_ERROR", cause: "boom" });
    expect(await both("forgetful", undefined)).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("parses an asynchronous schema as tRPC does", async () => {
    expect(await both("slowCheck", { code: "open" })).toEqual({ data: { ok: "open" } });
    const refused = await both("slowCheck", { code: "shut" });
    expect(refused).toMatchObject({
      code: "BAD_REQUEST",
      cause: [expect.objectContaining({ message: "Wrong code." })],
    });
  });
});
