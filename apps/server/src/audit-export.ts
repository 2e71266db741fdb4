import { ROSTER_ERROR_STATUS } from "@roster/reasons";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import { createContext } from "./context.js";
import type { Actor, Deps } from "./deps.js";
import { loadOrgAccess, requirePermission } from "./domain/access.js";
import { type AuditEvent, listAudit } from "./domain/audit.js";
import { RosterError } from "./errors.js";
import { ResponseCookies } from "./response-cookies.js";
import { sessionFacts, twoFactorProof } from "./trpc.js";

/**
 * `GET /audit/export?orgId=…&format=csv|jsonl` (and the filters of `audit.list`): the whole
 * matching audit log, newest first, as CSV or JSON Lines, read and written one keyset page at a
 * time. The body is pulled: the next page is read only when the client has taken the last one,
 * so exporting a million entries holds one page in memory. Same caller rules as `audit.list`
 * (session cookie, bearer session or the organization's API key; `audit:read`).
 */

const PAGE = 1000;

const instant = z.iso.datetime({ offset: true, error: "Use an ISO 8601 date and time." });
const query = z.object({
  orgId: z.uuid("This is not a valid organization id."),
  format: z.enum(["csv", "jsonl"], { error: "format is csv or jsonl." }).default("jsonl"),
  action: z.string().trim().min(1).max(64).optional(),
  actorId: z.uuid("This is not a valid user id.").optional(),
  targetType: z.string().trim().min(1).max(64).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  from: instant.optional(),
  to: instant.optional(),
});

const CSV_COLUMNS = [
  "id",
  "created_at",
  "action",
  "actor_id",
  "actor_email",
  "target_type",
  "target_id",
  "ip",
  "user_agent",
  "data",
] as const;

/** A CSV field: quoted when it holds a quote, comma or line break; a leading =+-@ is defused for spreadsheets. */
function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(e: AuditEvent): string {
  return `${[
    e.id,
    e.createdAt,
    e.action,
    e.actor?.id ?? null,
    e.actor?.email ?? null,
    e.targetType,
    e.targetId,
    e.ip,
    e.userAgent,
    JSON.stringify(e.data),
  ]
    .map(csvField)
    .join(",")}\r\n`;
}

function refusal(c: HonoContext, error: RosterError) {
  const status = ROSTER_ERROR_STATUS[error.reason];
  return c.json(
    { error: { reason: error.reason, message: error.message } },
    (Array.isArray(status) ? status[0] : status) as 400,
  );
}

export async function exportAuditLog(
  deps: Deps,
  c: HonoContext,
  info: { requestId: string; ip: string | null },
): Promise<globalThis.Response> {
  const parsed = query.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join(" ");
    return refusal(c, new RosterError("BAD_REQUEST", "VALIDATION", message));
  }
  const input = parsed.data;
  const ctx = await createContext(deps, c.req.raw.headers, new ResponseCookies(), info);
  if (!ctx.auth) {
    const reason = ctx.authProblem ?? "UNAUTHENTICATED";
    return refusal(c, new RosterError("UNAUTHORIZED", reason, "Sign in to export the audit log."));
  }
  let first: Awaited<ReturnType<typeof listAudit>>;
  let access: Awaited<ReturnType<typeof loadOrgAccess>>;
  try {
    if (ctx.auth.via === "api_key" && ctx.auth.apiKey.orgId !== input.orgId) {
      throw new RosterError("NOT_FOUND", "ORG_NOT_FOUND", "This organization does not exist.");
    }
    const actor: Actor = { userId: ctx.auth.user.id, sessionId: null, ip: info.ip, userAgent: ctx.userAgent };
    access = await loadOrgAccess(
      deps,
      actor,
      input.orgId,
      twoFactorProof(ctx.auth, null),
      sessionFacts(ctx.auth, null, deps.clock()),
    );
    requirePermission(access, "audit:read");
    // The first page is read before answering, so a refusal (a bad range) is a proper error.
    first = await listAudit(deps, access, { ...input, limit: PAGE });
  } catch (error) {
    if (error instanceof RosterError) return refusal(c, error);
    throw error;
  }
  const encode = new TextEncoder();
  const line = input.format === "csv" ? csvLine : (e: AuditEvent) => `${JSON.stringify(e)}\n`;
  let page: typeof first | null = first;
  let header = input.format === "csv" ? `${CSV_COLUMNS.join(",")}\r\n` : "";
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!page) {
          controller.close();
          return;
        }
        const current = page;
        controller.enqueue(encode.encode(header + current.items.map(line).join("")));
        header = "";
        page = current.nextCursor
          ? await listAudit(deps, access, { ...input, cursor: current.nextCursor, limit: PAGE })
          : null;
      },
    },
    // One page waiting at most: the next is read when the client has taken it.
    { highWaterMark: 1 },
  );
  const stamp = deps.clock().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": input.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-disposition": `attachment; filename="audit-${input.orgId}-${stamp}.${input.format}"`,
      "cache-control": "no-store",
    },
  });
}
