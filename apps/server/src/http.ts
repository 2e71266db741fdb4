import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { HttpBindings } from "@hono/node-server";
import { isDatabaseUnavailable } from "@roster/db";
import type { RosterErrorReasonWithStatus } from "@roster/reasons";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { sql } from "kysely";
import { exportAuditLog } from "./audit-export.js";
import { clientAddressResolver } from "./client-address.js";
import { createContext } from "./context.js";
import type { Deps } from "./deps.js";
import { databaseUnavailable } from "./errors.js";
import { appRouter } from "./routers/index.js";
import { scimRoutes } from "./scim/routes.js";
import { serveWebApp } from "./web-app.js";

type Env = { Bindings: Partial<HttpBindings>; Variables: { requestId: string; ip: string | null } };

type RefusalCode = "BAD_REQUEST" | "FORBIDDEN" | "PAYLOAD_TOO_LARGE";
const refusalStatus = { BAD_REQUEST: 400, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413 } as const;

/** A refusal before tRPC runs, shaped like a tRPC error so that the SDK reads its reason. */
function refuse<C extends RefusalCode>(
  c: Context<Env>,
  code: C,
  reason: RosterErrorReasonWithStatus<(typeof refusalStatus)[C]>,
  message: string,
) {
  const status = refusalStatus[code];
  return c.json(
    { error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status, reason } } },
    status,
  );
}

/**
 * Reads a body of unknown length (chunked) up to `max` bytes. Returns null as soon as it grows past
 * `max`, so an oversized body is never held in memory whole.
 */
async function readUpTo(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The HTTP surface: tRPC at /trpc, /healthz, and (when built) the reference web app. Works with any
 * fetch-style runtime; `createRosterHandler` adapts it to a Node request listener.
 */
export function createApp(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const { config, logger } = deps;
  const ownOrigin = new URL(config.publicUrl).origin;
  const clientAddress = clientAddressResolver(config.trustProxy);

  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomUUID();
    c.set("requestId", requestId);
    c.set(
      "ip",
      clientAddress(c.env?.incoming?.socket?.remoteAddress ?? null, c.req.header("x-forwarded-for") ?? null),
    );
    const started = performance.now();
    await next();
    c.header("X-Request-Id", requestId);
    logger.info("request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.use(
    "/trpc/*",
    cors({
      origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
      credentials: true,
      allowHeaders: ["Content-Type", "Authorization", "trpc-accept", "x-trpc-source", "x-request-id"],
      allowMethods: ["GET", "POST", "OPTIONS"],
      exposeHeaders: ["X-Request-Id"],
      maxAge: 600,
    }),
  );

  // Bounded work per request: a body larger than MAX_BODY_BYTES is refused from its Content-Length,
  // or while it streams in; a batch of more than MAX_BATCH_CALLS calls is refused before any runs.
  app.use("/trpc/*", async (c, next) => {
    const tooLarge = () =>
      refuse(
        c,
        "PAYLOAD_TOO_LARGE",
        "PAYLOAD_TOO_LARGE",
        `This request is too large: at most ${config.maxBodyBytes} bytes are accepted.`,
      );
    const calls = c.req.query("batch") === "1" ? c.req.path.split(",").length : 1;
    if (calls > config.maxBatchCalls) {
      return refuse(
        c,
        "BAD_REQUEST",
        "BATCH_TOO_LARGE",
        `This request batches ${calls} calls; at most ${config.maxBatchCalls} are accepted in one request.`,
      );
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.header("content-length");
    // Node reads exactly Content-Length bytes, so a declared length can be trusted as is.
    if (declared !== undefined && !c.req.header("transfer-encoding")) {
      return Number(declared) > config.maxBodyBytes ? tooLarge() : next();
    }
    const bytes = await readUpTo(body, config.maxBodyBytes);
    if (!bytes) return tooLarge();
    c.req.raw = new Request(c.req.raw, { body: bytes as Uint8Array<ArrayBuffer> });
    return next();
  });

  // Cross-site request forgery: a browser always names the page's origin on a POST; refuse
  // origins that are neither this deployment nor configured. Non-browser clients send no Origin.
  app.post("/trpc/*", async (c, next) => {
    // Only PUBLIC_URL and ALLOWED_ORIGINS count: the Host header is the client's to write.
    const origin = c.req.header("origin");
    if (origin && origin !== ownOrigin && !config.allowedOrigins.includes(origin)) {
      return refuse(
        c,
        "FORBIDDEN",
        "ORIGIN_NOT_ALLOWED",
        "Requests from this website are not allowed. Add its origin to ALLOWED_ORIGINS.",
      );
    }
    return next();
  });

  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: async ({ req, resHeaders }) => {
        const requestId = c.get("requestId");
        try {
          return await createContext(deps, req, resHeaders, { requestId, ip: c.get("ip") });
        } catch (error) {
          // Checking credentials needs the database; without it the whole request is a 503.
          if (!isDatabaseUnavailable(error)) throw error;
          logger.warn("database unavailable", { requestId, error });
          const cause = databaseUnavailable();
          throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
        }
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger.error("procedure failed", {
            requestId: c.get("requestId"),
            path,
            error: error.cause ?? error,
          });
        }
      },
    }),
  );

  app.get("/audit/export", (c) =>
    exportAuditLog(deps, c, { requestId: c.get("requestId"), ip: c.get("ip") }),
  );

  app.route("/scim/v2", scimRoutes(deps));

  app.get("/healthz", async (c) => {
    try {
      await sql`select 1`.execute(deps.db);
      return c.json({ status: "ok" });
    } catch (error) {
      logger.error("health check failed", { error });
      return c.json({ status: "unavailable", reason: "DATABASE_UNREACHABLE" }, 503);
    }
  });

  // The reference web app, when built, is served from the same port as the API.
  serveWebApp(app, config.webDistDir ?? fileURLToPath(new URL("../../web/dist", import.meta.url)));

  return app;
}
