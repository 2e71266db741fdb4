import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseUnavailable } from "@roster/db";
import type { RosterErrorReasonWithStatus } from "@roster/reasons";
import { TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { clientAddressResolver } from "./client-address.js";
import { createContext } from "./context.js";
import type { Deps } from "./deps.js";
import { databaseUnavailable } from "./errors.js";
import { logRequest } from "./logger.js";
import { ResponseCookies } from "./response-cookies.js";
import { appRouter } from "./routers/index.js";
import { callDirectly, directCallOf, writeAnswer } from "./trpc-direct.js";

/**
 * `/trpc` served straight from `node:http`: tRPC's `resolveResponse` (what each of its adapters
 * runs) with no framework in between. tRPC's own Node adapter, like a fetch framework, copies every
 * request into a fetch `Request` and streams the `Response` back; here the request is read where
 * it is (headers, a body already read within its limit) and the answer is written in one piece.
 * That copying was a large part of a request's own work (docs/benchmarks.md).
 */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

type RefusalCode = "BAD_REQUEST" | "FORBIDDEN" | "PAYLOAD_TOO_LARGE";
const refusalStatus = { BAD_REQUEST: 400, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413 } as const;

/** A refusal before tRPC runs, shaped like a tRPC error so that the SDK reads its reason. */
export function refusalBody<C extends RefusalCode>(
  code: C,
  reason: RosterErrorReasonWithStatus<(typeof refusalStatus)[C]>,
  message: string,
): { status: number; body: string } {
  const status = refusalStatus[code];
  const error = { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status, reason } };
  return { status, body: JSON.stringify({ error }) };
}

/** The request's headers as tRPC and the context read them (`get`, `has`), without copying them. */
class IncomingHeaders {
  constructor(private readonly raw: IncomingMessage["headers"]) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

/**
 * What `resolveResponse` reads of a request: its URL, method, headers, abort signal and JSON body.
 * Any other content type gets a real fetch `Request` (see `toFetchRequest`).
 */
class IncomingRequest {
  constructor(
    readonly url: string,
    readonly method: string,
    readonly headers: IncomingHeaders,
    readonly signal: AbortSignal,
    private readonly text: string | null,
  ) {}
  async json(): Promise<unknown> {
    return JSON.parse(this.text ?? "");
  }
}

/**
 * Reads a body of up to `max` bytes. Returns null as soon as it grows past `max` (the rest is
 * discarded as it arrives, never held), so an oversized body is never in memory whole.
 */
function readUpTo(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off("data", onData);
      req.off("end", onEnd);
      req.resume();
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", reject);
  });
}

const ALLOWED_HEADERS = "Content-Type,Authorization,trpc-accept,x-trpc-source,x-request-id";
const CORS_HEAD = [
  "Access-Control-Allow-Credentials",
  "true",
  "Access-Control-Expose-Headers",
  "X-Request-Id",
  "Vary",
  "Origin",
] as const;

export function createTrpcListener(deps: Deps, clientAddress: ReturnType<typeof clientAddressResolver>) {
  const { config, logger } = deps;
  const ownOrigin = new URL(config.publicUrl).origin;
  const allowedOrigins = new Set(config.allowedOrigins);
  const tooLarge = refusalBody(
    "PAYLOAD_TOO_LARGE",
    "PAYLOAD_TOO_LARGE",
    `This request is too large: at most ${config.maxBodyBytes} bytes are accepted.`,
  );
  const foreignOrigin = refusalBody(
    "FORBIDDEN",
    "ORIGIN_NOT_ALLOWED",
    "Requests from this website are not allowed. Add its origin to ALLOWED_ORIGINS.",
  );

  /**
   * The headers every answer carries, as name-value pairs: its request id, and CORS (the origin is
   * echoed only when configured). A direct answer writes them with its own in one `writeHead`
   * (trpc-direct.ts); every other answer sets them first (`send`, the general path).
   */
  const headOf = (requestId: string, origin: string | undefined): string[] =>
    origin !== undefined && allowedOrigins.has(origin)
      ? ["X-Request-Id", requestId, "Access-Control-Allow-Origin", origin, ...CORS_HEAD]
      : ["X-Request-Id", requestId, ...CORS_HEAD];
  const setHead = (res: ServerResponse, head: readonly string[]) => {
    for (let i = 0; i < head.length; i += 2) res.setHeader(head[i] as string, head[i + 1] as string);
  };

  function send(
    res: ServerResponse,
    head: readonly string[],
    status: number,
    body: string | null,
    type = "application/json",
  ) {
    setHead(res, head);
    res.statusCode = status;
    if (body === null) return void res.end();
    res.setHeader("Content-Type", type);
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
  }

  const ipOf = (req: IncomingMessage) => {
    const forwarded = req.headers["x-forwarded-for"];
    return clientAddress(
      req.socket.remoteAddress ?? null,
      (Array.isArray(forwarded) ? forwarded.join(", ") : forwarded) ?? null,
    );
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? "GET";
    const headers = req.headers;
    // Cross-origin browsers: only configured origins may read answers or send credentials.
    const origin = typeof headers.origin === "string" ? headers.origin : "";
    const head = headOf(requestId, origin);
    if (method === "OPTIONS") {
      res.setHeader("Access-Control-Max-Age", "600");
      res.setHeader("Access-Control-Allow-Methods", "GET,POST,OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      return send(res, [...head, "Vary", "Origin, Access-Control-Request-Headers"], 204, null);
    }

    // Bounded work per request: a batch of more than MAX_BATCH_CALLS calls is refused before any
    // runs; a body larger than MAX_BODY_BYTES from its Content-Length, or while it streams in.
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const params = new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1));
    const batch = params.get("batch") === "1";
    const calls = batch ? new URL(target, "http://localhost").pathname.split(",").length : 1;
    if (calls > config.maxBatchCalls) {
      const refusal = refusalBody(
        "BAD_REQUEST",
        "BATCH_TOO_LARGE",
        `This request batches ${calls} calls; at most ${config.maxBatchCalls} are accepted in one request.`,
      );
      return send(res, head, refusal.status, refusal.body);
    }
    const hasBody = method !== "GET" && method !== "HEAD";
    const declared = headers["content-length"];
    // Node reads exactly Content-Length bytes, so a declared length can be trusted as is.
    if (hasBody && declared !== undefined && !headers["transfer-encoding"]) {
      if (Number(declared) > config.maxBodyBytes) return send(res, head, tooLarge.status, tooLarge.body);
    }
    // Cross-site request forgery: a browser always names the page's origin on a POST; refuse
    // origins that are neither this deployment nor configured. Non-browser clients send no Origin.
    // Only PUBLIC_URL and ALLOWED_ORIGINS count: the Host header is the client's to write.
    if (method === "POST" && origin && origin !== ownOrigin && !allowedOrigins.has(origin)) {
      return send(res, head, foreignOrigin.status, foreignOrigin.body);
    }
    let body: Buffer | null = null;
    if (hasBody) {
      body = await readUpTo(req, config.maxBodyBytes);
      if (!body) return send(res, head, tooLarge.status, tooLarge.body);
    }

    const contentType = headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
    const cookies = new ResponseCookies();
    const ip = ipOf(req);
    const incomingHeaders = new IncomingHeaders(headers);
    const makeContext = async (firstInput: (() => Promise<unknown>) | undefined) => {
      try {
        return await createContext(deps, incomingHeaders, cookies, { requestId, ip }, firstInput);
      } catch (error) {
        // Checking credentials needs the database; without it the whole request is a 503.
        if (!isDatabaseUnavailable(error)) throw error;
        logger.warn("database unavailable", { requestId, error });
        const cause = databaseUnavailable();
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
      }
    };
    const onError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        logger.error("procedure failed", { requestId, path, error: error.cause ?? error });
      }
    };

    // One query or mutation, the common case: run straight through the procedure (trpc-direct.ts).
    const direct = batch ? null : directCallOf(method, target, queryAt, params, headers, contentType);
    if (direct) {
      const inputText = method === "GET" ? params.get("input") : (body?.toString("utf8") ?? "");
      // No abort signal: no query or mutation reads one (streams and subscriptions, which stop for a
      // client that went away, take the general path below), and making one per call is not free.
      const options = { ...direct, inputText, signal: undefined, createContext: makeContext, onError };
      const answer = await callDirectly(options);
      if (answer) return writeAnswer(res, answer, cookies, head);
    }

    setHead(res, head);
    // tRPC stops a stream for a client that went away.
    const abort = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const fullUrl = `http://localhost${target}`;
    const request =
      !hasBody || contentType === "application/json"
        ? new IncomingRequest(fullUrl, method, incomingHeaders, abort.signal, body?.toString("utf8") ?? null)
        : toFetchRequest(fullUrl, method, headers, abort.signal, body);
    const response = await resolveResponse({
      router: appRouter,
      // The handful of members tRPC reads; other content types get a real Request above.
      req: request as unknown as Request,
      path: trimSlashes(new URL(target, "http://localhost").pathname.slice("/trpc".length)),
      error: null,
      createContext: ({ info }) => makeContext(info.calls[0]?.getRawInput),
      responseMeta: () => ({ headers: cookies.values.length ? { "set-cookie": cookies.values } : {} }),
      onError,
    });
    await writeResponse(response, res);
  }

  const listener: NodeListener = (req, res) => {
    const started = performance.now();
    const given = req.headers["x-request-id"];
    const requestId = (typeof given === "string" && given.slice(0, 64)) || randomUUID();
    handle(req, res, requestId)
      .catch((error: unknown) => {
        logger.error("request failed", { requestId, error });
        if (!res.headersSent) {
          const shape = { message: "Something went wrong on our side. Try again.", code: -32603 };
          const body = JSON.stringify({ error: { ...shape, data: { code: "INTERNAL_SERVER_ERROR" } } });
          send(res, headOf(requestId, req.headers.origin), 500, body);
        } else res.destroy();
      })
      .finally(() => {
        const ms = performance.now() - started;
        const status = res.statusCode;
        const path = req.url?.split("?", 1)[0];
        logRequest(logger, { requestId, method: req.method, path, status, ms }, config.slowRequestMs);
      });
  };
  return listener;
}

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, "");

function toFetchRequest(
  url: string,
  method: string,
  headers: IncomingMessage["headers"],
  signal: AbortSignal,
  body: Buffer | null,
): Request {
  const copy = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) copy.append(name, item);
    else if (value !== undefined) copy.append(name, value);
  }
  return new Request(url, { method, headers: copy, signal, body: body as Uint8Array<ArrayBuffer> | null });
}

/** Writes tRPC's answer: a whole answer in one write, a streamed one (JSON Lines) as it comes. */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  let streamed = false;
  for (const [name, value] of response.headers) {
    // Node writes the framing itself: chunked when no length is known.
    if (name === "transfer-encoding") streamed = true;
    else if (name === "vary") res.setHeader("Vary", `${value}, ${res.getHeader("Vary") ?? "Origin"}`);
    else if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  if (!response.body) return void res.end();
  if (!streamed) {
    const text = await response.text();
    res.setHeader("Content-Length", Buffer.byteLength(text));
    return void res.end(text);
  }
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    if (!res.write(chunk)) {
      await new Promise((resolve) => {
        res.once("drain", resolve);
        res.once("close", resolve);
      });
    }
  }
  res.end();
}
