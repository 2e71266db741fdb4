import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyProcedure } from "@trpc/server";
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  middlewareMarker,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import { ZodType, z } from "zod";
import type { ResponseCookies } from "./response-cookies.js";
import { appRouter } from "./routers/index.js";
import type { Context } from "./trpc.js";

/**
 * One query or mutation, answered without tRPC's `resolveResponse`, which is built for every case
 * (batches, streams, subscriptions, form data): for a single call it makes a `Headers`, two
 * `AbortSignal.any`, a fetch `Response` that is read back as text, and parses the URL again. Here
 * the call runs through the very same procedure (its middlewares: input guard, error mapping,
 * caller and organization checks, zod; run by `runProcedure`) with the same context, and its
 * answer is shaped by tRPC's own functions (`getErrorShape` with Roster's error formatter,
 * `getHTTPStatusCode`, `transformTRPCResponse`), so bodies, statuses and headers are those
 * `resolveResponse` gives.
 * Anything else — batches, streaming (`trpc-accept`, `Accept: application/jsonl`), other content
 * types, subscriptions, a method that does not fit the procedure, an unknown or percent-encoded
 * path — goes through `resolveResponse` as before (`directCallOf` returns null).
 */

const config = appRouter._def._config;

/** What the direct path needs to know about a request, once it is eligible. */
export interface DirectCall {
  path: string;
  type: "query" | "mutation";
}

/** Procedure paths as the routers name them; anything else takes the general path. */
const PLAIN_PATH = /^\/trpc\/[A-Za-z0-9_.]+$/;

/**
 * Whether a request is one plain call the direct path answers exactly as `resolveResponse` would:
 * GET of a query or POST of a mutation, not batched, JSON (or, for GET, no content type), not
 * streamed, at a plain path. The procedure itself is checked in `callDirectly`.
 */
export function directCallOf(
  method: string,
  target: string,
  queryAt: number,
  params: URLSearchParams,
  headers: IncomingMessage["headers"],
  contentType: string | undefined,
): DirectCall | null {
  if (method !== "GET" && method !== "POST") return null;
  if (params.has("batch") || headers["trpc-accept"] !== undefined) return null;
  const accept = headers.accept;
  if (accept?.includes("application/jsonl")) return null;
  if (contentType === undefined ? method === "POST" : contentType !== "application/json") return null;
  const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
  if (!PLAIN_PATH.test(pathname) || target.includes("#")) return null;
  return { path: pathname.slice("/trpc/".length), type: method === "GET" ? "query" : "mutation" };
}

/** The answer to write: status, JSON body (cookies are the caller's). */
export interface DirectAnswer {
  status: number;
  body: string;
}

/** Procedures by path, looked up once. */
const procedures = new Map<string, AnyProcedure | null>();

async function procedureAt(path: string): Promise<AnyProcedure | null> {
  const known = procedures.get(path);
  if (known !== undefined) return known;
  const found = ((await getProcedureAtPath(appRouter, path)) as AnyProcedure | null) ?? null;
  // Only real paths are remembered, so that random paths cannot grow the map.
  if (found) procedures.set(path, found);
  return found;
}

/** tRPC's check that a result cannot be sent as one JSON answer (promises or iterables in it). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some(isPromise) || Object.values(value).some(isAsyncIterable);
}

export interface DirectOptions extends DirectCall {
  /** The `input` parameter of a GET (null when absent), the body of a POST. */
  inputText: string | null;
  signal: AbortSignal | undefined;
  createContext: (firstInput: () => Promise<unknown>) => Promise<Context>;
  onError: (opts: { error: TRPCError; path: string | undefined }) => void;
}

/**
 * Runs the call and shapes its answer, or returns null (before running anything) when the path
 * names no procedure of that type, for `resolveResponse` to refuse in its own words.
 */
export async function callDirectly(options: DirectOptions): Promise<DirectAnswer | null> {
  const { path, type, inputText } = options;
  const procedure = await procedureAt(path);
  if (!procedure || procedure._def.type !== type) return null;

  // The input, parsed once and only when read, with tRPC's errors (its `memo` in getRequestInfo):
  // every reader (the context, the input guard, each schema) gets the same settled promise.
  let parsed: { value: unknown } | undefined;
  let reading: Promise<unknown> | undefined;
  const getRawInput = (): Promise<unknown> => {
    if (reading) return reading;
    try {
      const value =
        type === "query" && !inputText
          ? undefined
          : config.transformer.input.deserialize(JSON.parse(inputText ?? ""));
      parsed = { value };
      reading = Promise.resolve(value);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : "Invalid input";
      reading = Promise.reject(
        cause instanceof TRPCError ? cause : new TRPCError({ code: "BAD_REQUEST", message, cause }),
      );
    }
    return reading;
  };
  const input = () => parsed?.value;

  let ctx: Context | undefined;
  let data: unknown;
  try {
    ctx = await options.createContext(getRawInput);
  } catch (cause) {
    return failure(getTRPCErrorFromUnknown(cause), options, undefined, input(), path);
  }
  try {
    data = await runProcedure(procedure, { path, getRawInput, ctx, type, signal: options.signal });
  } catch (cause) {
    return failure(getTRPCErrorFromUnknown(cause), options, ctx, input(), path);
  }
  if (isDataStream(data)) {
    // resolveResponse refuses it outside the call, with neither path nor input.
    const error = new TRPCError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
    });
    return failure(error, options, ctx, undefined, undefined);
  }
  return { status: 200, body: JSON.stringify(transformTRPCResponse(config, { result: { data } })) };
}

/** What a middleware of the chain is given, as tRPC gives it (`callRecursive`). */
interface Step {
  ctx: unknown;
  type: "query" | "mutation";
  path: string;
  input: unknown;
  getRawInput: () => Promise<unknown>;
  signal: AbortSignal | undefined;
}
type ChainResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Middleware = (opts: Step & Record<string, unknown>) => Promise<ChainResult>;
interface NextOptions {
  ctx?: object;
  input?: unknown;
  getRawInput?: () => Promise<unknown>;
}

/**
 * A procedure's middlewares (its own, its input schemas', its resolver's), as `runProcedure` runs
 * them: a zod input schema is parsed synchronously; anything else runs as tRPC made it.
 */
interface Link {
  middleware: Middleware;
  schema: ZodType | null;
}
const chains = new WeakMap<AnyProcedure, Link[] | null>();

function chainOf(procedure: AnyProcedure): Link[] | null {
  const known = chains.get(procedure);
  if (known !== undefined) return known;
  const def = procedure._def as unknown as {
    middlewares: (Middleware & { _type?: string })[];
    inputs: unknown[];
    experimental_caller?: boolean;
  };
  const inputSteps = def.middlewares.filter((m) => m._type === "input");
  // tRPC adds one input middleware per `.input()`, in the order of `inputs`; anything else (a
  // caller override, another way of building) is run by tRPC itself.
  let chain: Link[] | null = null;
  if (!def.experimental_caller && inputSteps.length === def.inputs.length) {
    let k = 0;
    chain = def.middlewares.map((middleware) => {
      if (middleware._type !== "input") return { middleware, schema: null };
      const parser = def.inputs[k++];
      return { middleware, schema: parser instanceof ZodType ? parser : null };
    });
  }
  chains.set(procedure, chain);
  return chain;
}

/**
 * Runs a procedure's middleware chain as tRPC's `callRecursive` does (the same options for each
 * middleware, `next` merging the context and input it is given, a throw at any level becoming that
 * level's failed result), without copying every options object through a generic spread helper at
 * every level, and with a zod input parsed synchronously (`parse`, the same result and errors as
 * tRPC's `parseAsync`, unless the schema is asynchronous).
 */
export async function runProcedure(procedure: AnyProcedure, call: Omit<Step, "input">): Promise<unknown> {
  const chain = chainOf(procedure);
  if (!chain) return procedure({ ...call, batchIndex: 0 });
  const meta = procedure._def.meta;
  const step = async (index: number, opts: Step): Promise<ChainResult> => {
    try {
      const link = chain[index] as Link;
      const next = (given?: NextOptions) =>
        step(index + 1, {
          ctx: given?.ctx ? { ...(opts.ctx as object), ...given.ctx } : opts.ctx,
          type: opts.type,
          path: opts.path,
          input: given && "input" in given ? given.input : opts.input,
          getRawInput: given?.getRawInput ?? opts.getRawInput,
          signal: opts.signal,
        });
      if (link.schema) return await parseInput(link.schema, opts, next);
      return await link.middleware({ ...opts, batchIndex: 0, meta, next });
    } catch (cause) {
      return { ok: false, error: getTRPCErrorFromUnknown(cause), marker: middlewareMarker } as ChainResult;
    }
  };
  const result = await step(0, { ...call, input: undefined });
  if (!result) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: "No result from middlewares - did you forget to `return next()`?",
    });
  }
  if (!result.ok) throw result.error;
  return result.data;
}

/** tRPC's input middleware (`createInputMiddleware`), with zod's synchronous parse. */
async function parseInput(
  schema: ZodType,
  opts: Step,
  next: (given: NextOptions) => Promise<ChainResult>,
): Promise<ChainResult> {
  const raw = await opts.getRawInput();
  let parsed: unknown;
  try {
    try {
      parsed = schema.parse(raw);
    } catch (cause) {
      if (!(cause instanceof z.core.$ZodAsyncError)) throw cause;
      parsed = await schema.parseAsync(raw);
    }
  } catch (cause) {
    throw new TRPCError({ code: "BAD_REQUEST", cause });
  }
  const input = isObject(opts.input) && isObject(parsed) ? { ...opts.input, ...parsed } : parsed;
  return next({ input });
}

function failure(
  error: TRPCError,
  options: DirectOptions,
  ctx: Context | undefined,
  input: unknown,
  path: string | undefined,
): DirectAnswer {
  options.onError({ error, path });
  const shape = getErrorShape({ config, ctx, error, input, path, type: options.type });
  const untransformed = { error: shape };
  return {
    status: getHTTPStatusCode(untransformed),
    body: JSON.stringify(transformTRPCResponse(config, untransformed)),
  };
}

/**
 * Writes a direct answer in one `writeHead`: the request's own headers (`head`: request id and CORS,
 * as name-value pairs, added to in place), then those resolveResponse's answer carries (see
 * writeResponse).
 */
export function writeAnswer(
  res: ServerResponse,
  answer: DirectAnswer,
  cookies: ResponseCookies,
  head: string[],
): void {
  // resolveResponse's Vary comes before the one the request's headers carry (writeResponse).
  const vary = head.indexOf("Vary");
  if (vary !== -1) head[vary + 1] = `trpc-accept, accept, ${head[vary + 1]}`;
  else head.push("Vary", "trpc-accept, accept, Origin");
  head.push("content-type", "application/json");
  for (const cookie of cookies.values) head.push("Set-Cookie", cookie);
  head.push("Content-Length", String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, head);
  res.end(answer.body);
}
