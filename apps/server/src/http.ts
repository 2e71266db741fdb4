import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { sql } from "kysely";
import { exportAuditLog } from "./audit-export.js";
import { clientAddressResolver } from "./client-address.js";
import type { Deps } from "./deps.js";
import { logRequest } from "./logger.js";
import { scimRoutes } from "./scim/routes.js";
import { mountSocialRoutes } from "./social-routes.js";
import { mountSsoRoutes } from "./sso-routes.js";
import { createTrpcListener, type NodeListener } from "./trpc-http.js";
import { serveWebApp } from "./web-app.js";

type Env = { Bindings: Partial<HttpBindings>; Variables: { requestId: string; ip: string | null } };

/**
 * Everything Roster serves, as one Node request listener: tRPC at /trpc straight from `node:http`
 * (trpc-http.ts: the hot path, first), everything else through the Hono app below.
 */
export function createRosterListener(deps: Deps): NodeListener {
  const clientAddress = clientAddressResolver(deps.config.trustProxy);
  const trpc = createTrpcListener(deps, clientAddress);
  const other = getRequestListener(createApp(deps, clientAddress).fetch);
  return (req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/trpc") && (url.length === 5 || url[5] === "/" || url[5] === "?")) trpc(req, res);
    else void other(req, res);
  };
}

/** /healthz, the audit log export and (when built) the reference web app. */
export function createApp(
  deps: Deps,
  clientAddress = clientAddressResolver(deps.config.trustProxy),
): Hono<Env> {
  const app = new Hono<Env>();
  const { config, logger } = deps;

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
    const ms = performance.now() - started;
    const line = { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms };
    logRequest(logger, line, config.slowRequestMs);
  });

  app.get("/audit/export", (c) =>
    exportAuditLog(deps, c, { requestId: c.get("requestId"), ip: c.get("ip") }),
  );

  app.route("/scim/v2", scimRoutes(deps));
  mountSsoRoutes(app, deps);
  mountSocialRoutes(app, deps);

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
