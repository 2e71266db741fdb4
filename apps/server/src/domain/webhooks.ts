import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { Database, OutboxMessage, WebhookEndpoint } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Actor, Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { isInternalName, isSpecialUseAddress } from "../outbox/addresses.js";
import { enqueueWebhook, type WebhookDelivery } from "../outbox/enqueue.js";
import { postOnce } from "../outbox/post.js";
import { runTransaction } from "../transaction.js";
import { type OrgAccess, requirePermission } from "./access.js";
import { type AuditEntry, recordAudit } from "./audit.js";
import { decodeIdCursor } from "./cursors.js";

/**
 * Outgoing webhooks. Lifecycle events are published from `recordAudit`, inside the transaction of
 * the change, as one outbox message per subscribed endpoint; the outbox worker delivers them with
 * retries. Each request is signed:
 *
 *   Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *   Roster-Event: member.joined
 *   Roster-Delivery: <uuid, the same for every retry of one delivery>
 */
export const WEBHOOK_EVENTS = [
  "member.invited",
  "member.joined",
  "member.role_changed",
  "member.deactivated",
  "member.reactivated",
  "member.removed",
  "resource.created",
  "resource.state_changed",
  "resource.deleted",
  "resource.transferred",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const TEST_EVENT = "webhook.test";

/** After this many failed attempts in a row, an endpoint is disabled until someone enables it again. */
export const DISABLE_AFTER_FAILURES = 10;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Endpoints per organization: each one is a share of the delivery worker's attention. */
export const MAX_ENDPOINTS_PER_ORG = 10;

/**
 * Audit actions that go out as webhook events. Leaving the organization is published as
 * `member.removed` with `data.left: true`: for a receiver the account must be blocked either way.
 */
const EVENT_FOR_ACTION: Record<string, { type: WebhookEventType; data?: Record<string, unknown> }> = {
  "member.left": { type: "member.removed", data: { left: true } },
};
for (const type of WEBHOOK_EVENTS) EVENT_FOR_ACTION[type] = { type };

export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  organization: { id: string };
  actor: { userId: string } | null;
  target: { type: string; id: string } | null;
  data: Record<string, unknown>;
}

/**
 * Called by `recordAudit` for every audit entry, in its transaction. Entries that are webhook
 * events are written to the outbox once per active endpoint subscribed to them, so they are sent
 * if and only if the change commits.
 */
export async function publishEvent(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  entry: AuditEntry,
  now: Date,
): Promise<void> {
  const mapped = EVENT_FOR_ACTION[entry.action];
  if (!mapped) return;
  const endpoints = await trx
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("org_id", "=", orgId)
    .where("status", "=", "active")
    .where(sql<boolean>`${mapped.type} = any(events)`)
    .execute();
  if (endpoints.length === 0) return;
  const data: Record<string, unknown> = { ...entry.data, ...mapped.data };
  if (entry.targetType === "user" && entry.targetId) {
    // Receivers create and block accounts by address: say who the member is.
    const user = await trx
      .selectFrom("users")
      .select(["id", "email", "name", "kind"])
      .where("id", "=", entry.targetId)
      .executeTakeFirst();
    if (user) {
      data.member = {
        userId: user.id,
        email: user.email,
        name: user.name,
        serviceAccount: user.kind === "service_account",
      };
    }
  }
  const event: WebhookEvent = {
    id: randomUUID(),
    type: mapped.type,
    createdAt: now.toISOString(),
    organization: { id: orgId },
    actor: actor ? { userId: actor.userId } : null,
    target: entry.targetType && entry.targetId ? { type: entry.targetType, id: entry.targetId } : null,
    data,
  };
  const body = JSON.stringify(event);
  for (const endpoint of endpoints) {
    await enqueueWebhook(
      trx,
      `webhook:${event.id}:${endpoint.id}`,
      {
        orgId,
        endpointId: endpoint.id,
        deliveryId: randomUUID(),
        eventId: event.id,
        event: event.type,
        body,
      },
      now,
    );
  }
}

/** `t=<unix>,v1=<hex>`: HMAC-SHA256 with the endpoint's secret over `<t>.<body>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

// ---- endpoints ----

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: string[];
  status: "active" | "disabled";
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

function toView(e: WebhookEndpoint): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    status: e.status,
    disabledReason: e.disabled_reason,
    disabledAt: e.disabled_at?.toISOString() ?? null,
    consecutiveFailures: e.consecutive_failures,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

const endpointNotFound = () =>
  notFound("WEBHOOK_NOT_FOUND", "This webhook endpoint does not exist in this organization.");

const generateSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

/**
 * In production an endpoint must be public https; elsewhere (development, tests) any http(s) URL.
 * This catches the obvious cases early; what a name resolves to is checked on every connection.
 */
function checkUrl(deps: Deps, raw: string): string {
  const url = new URL(raw);
  if (url.username || url.password) {
    throw badRequest("INVALID_WEBHOOK_URL", "Webhook URLs cannot contain a user name or password.");
  }
  if (deps.config.production) {
    if (url.protocol !== "https:") {
      throw badRequest("INVALID_WEBHOOK_URL", "Webhook URLs must use https.");
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) ? isSpecialUseAddress(host) : isInternalName(host)) {
      throw badRequest(
        "INVALID_WEBHOOK_URL",
        "Webhook URLs must point to a public address, not localhost or a private network.",
      );
    }
  }
  return url.toString();
}

async function findEndpoint(deps: Deps, orgId: string, endpointId: string): Promise<WebhookEndpoint> {
  const row = await deps.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", endpointId)
    .executeTakeFirst();
  if (!row) throw endpointNotFound();
  return row;
}

export async function listEndpoints(deps: Deps, access: OrgAccess): Promise<WebhookEndpointView[]> {
  requirePermission(access, "webhooks:manage");
  const rows = await deps.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toView);
}

export async function getEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<WebhookEndpointView> {
  requirePermission(access, "webhooks:manage");
  return toView(await findEndpoint(deps, access.orgId, input.endpointId));
}

/** Creates an endpoint. The signing secret is returned here once (generated unless given). */
export async function createEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { url: string; events: string[]; description?: string | undefined; secret?: string | undefined },
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  requirePermission(access, "webhooks:manage");
  const url = checkUrl(deps, input.url);
  const secret = input.secret ?? generateSecret();
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    // The organization row is locked so that concurrent creates count one after another.
    await trx
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", access.orgId)
      .forUpdate()
      .executeTakeFirst();
    const { count } = await trx
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("org_id", "=", access.orgId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_ENDPOINTS_PER_ORG) {
      throw conflict(
        "WEBHOOK_LIMIT",
        `An organization can have at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints. Delete one you no longer use, or subscribe an existing one to more events.`,
        { limit: MAX_ENDPOINTS_PER_ORG },
      );
    }
    const row = await trx
      .insertInto("webhook_endpoints")
      .values({
        org_id: access.orgId,
        url,
        description: input.description ?? "",
        events: [...new Set(input.events)],
        secret_sealed: deps.sealer.seal(secret),
        status: "active",
        created_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "webhook.created",
        targetType: "webhook",
        targetId: row.id,
        data: { url, events: row.events },
      },
      now,
    );
    return row;
  });
  return { endpoint: toView(row), secret };
}

/** Changes an endpoint. `enabled: true` turns a disabled endpoint back on and clears its failure count. */
export async function updateEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: {
    endpointId: string;
    url?: string | undefined;
    events?: string[] | undefined;
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
): Promise<WebhookEndpointView> {
  requirePermission(access, "webhooks:manage");
  const url = input.url !== undefined ? checkUrl(deps, input.url) : undefined;
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("webhook_endpoints")
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled === true
          ? { status: "active" as const, disabled_reason: null, disabled_at: null, consecutive_failures: 0 }
          : input.enabled === false
            ? { status: "disabled" as const, disabled_reason: "Disabled by a member.", disabled_at: now }
            : {}),
        updated_at: now,
      })
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "webhook.updated",
        targetType: "webhook",
        targetId: row.id,
        data: { changed: Object.keys(input).filter((k) => k !== "endpointId" && k !== "orgId") },
      },
      now,
    );
    return row;
  });
  return toView(row);
}

/** A new signing secret, shown once; the old one stops working at once. */
export async function rotateEndpointSecret(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string; secret?: string | undefined },
): Promise<{ secret: string }> {
  requirePermission(access, "webhooks:manage");
  const secret = input.secret ?? generateSecret();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("webhook_endpoints")
      .set({ secret_sealed: deps.sealer.seal(secret), updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      { action: "webhook.secret_rotated", targetType: "webhook", targetId: row.id },
      now,
    );
  });
  return { secret };
}

export async function deleteEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<void> {
  requirePermission(access, "webhooks:manage");
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .deleteFrom("webhook_endpoints")
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returning(["id", "url"])
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      { action: "webhook.deleted", targetType: "webhook", targetId: row.id, data: { url: row.url } },
      now,
    );
  });
}

/** Queues a `webhook.test` event for this endpoint alone (also when it is disabled, to check a fix). */
export async function sendTestEvent(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<{ eventId: string; deliveryId: string }> {
  requirePermission(access, "webhooks:manage");
  const now = deps.clock();
  const endpoint = await findEndpoint(deps, access.orgId, input.endpointId);
  const event: WebhookEvent = {
    id: randomUUID(),
    type: TEST_EVENT,
    createdAt: now.toISOString(),
    organization: { id: access.orgId },
    actor: { userId: access.actor.userId },
    target: { type: "webhook", id: endpoint.id },
    data: { message: "This is a test event from Roster." },
  };
  const deliveryId = randomUUID();
  await runTransaction(deps, async (trx) => {
    await enqueueWebhook(
      trx,
      `webhook:${event.id}:${endpoint.id}`,
      {
        orgId: access.orgId,
        endpointId: endpoint.id,
        deliveryId,
        eventId: event.id,
        event: TEST_EVENT,
        body: JSON.stringify(event),
      },
      now,
    );
    await recordAudit(
      trx,
      access.orgId,
      access.actor,
      {
        action: "webhook.test_sent",
        targetType: "webhook",
        targetId: endpoint.id,
        data: { eventId: event.id },
      },
      now,
    );
  });
  deps.wakeOutbox();
  return { eventId: event.id, deliveryId };
}

export interface DeliveryAttemptView {
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  createdAt: string;
}

/** The delivery log of one endpoint, newest attempt first, one keyset page at a time. */
export async function listDeliveries(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string; cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: DeliveryAttemptView[]; nextCursor: string | null }> {
  requirePermission(access, "webhooks:manage");
  await findEndpoint(deps, access.orgId, input.endpointId);
  const limit = input.limit ?? 50;
  const cursor = decodeIdCursor(input.cursor);
  const rows = await deps.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .where("endpoint_id", "=", input.endpointId)
    .$if(cursor !== null, (q) => q.where("id", "<", cursor!))
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      deliveryId: r.delivery_id,
      eventId: r.event_id,
      eventType: r.event_type,
      attempt: r.attempt,
      ok: r.ok,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
      createdAt: r.created_at.toISOString(),
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

// ---- delivery (the outbox worker's handler for kind 'webhook') ----

/**
 * Sends one queued delivery: signs it with the endpoint's current secret, POSTs it with a timeout,
 * logs the attempt, and counts consecutive failures (disabling the endpoint after
 * DISABLE_AFTER_FAILURES). Throws on failure so that the outbox retries with backoff.
 */
export async function deliverWebhook(
  deps: Deps,
  message: OutboxMessage,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const delivery = message.payload as unknown as WebhookDelivery;
  const endpoint = await deps.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", delivery.endpointId)
    .executeTakeFirst();
  // A deleted endpoint takes its pending deliveries with it.
  if (!endpoint) return;
  const isTest = delivery.event === TEST_EVENT;
  if (endpoint.status !== "active" && !isTest) {
    await logAttempt(deps, endpoint, delivery, message.attempts, {
      ok: false,
      statusCode: null,
      error: "Not sent: the endpoint is disabled.",
      durationMs: 0,
    });
    return;
  }
  const timestamp = Math.floor(deps.clock().getTime() / 1000);
  const started = performance.now();
  const result = await postOnce(new URL(endpoint.url), {
    headers: {
      "content-type": "application/json",
      "user-agent": "Roster-Webhooks/1",
      "roster-event": delivery.event,
      "roster-delivery": delivery.deliveryId,
      "roster-signature": signatureHeader(deps.sealer.open(endpoint.secret_sealed), timestamp, delivery.body),
    },
    body: delivery.body,
    timeoutMs,
    resolve: deps.resolveHost,
    allowPrivate: !deps.config.production,
  });
  const durationMs = Math.round(performance.now() - started);
  const error = result.ok ? null : result.error;
  await logAttempt(deps, endpoint, delivery, message.attempts, {
    ok: result.ok,
    statusCode: result.statusCode,
    error,
    durationMs,
  });
  if (error !== null) throw new Error(error);
}

async function logAttempt(
  deps: Deps,
  endpoint: WebhookEndpoint,
  delivery: WebhookDelivery,
  attempt: number,
  result: { ok: boolean; statusCode: number | null; error: string | null; durationMs: number },
): Promise<void> {
  const now = deps.clock();
  const counts = endpoint.status === "active";
  await runTransaction(deps, async (trx) => {
    await trx
      .insertInto("webhook_deliveries")
      .values({
        org_id: endpoint.org_id,
        endpoint_id: endpoint.id,
        delivery_id: delivery.deliveryId,
        event_id: delivery.eventId,
        event_type: delivery.event,
        attempt,
        ok: result.ok,
        status_code: result.statusCode,
        error: result.error?.slice(0, 1000) ?? null,
        duration_ms: result.durationMs,
        created_at: now,
      })
      .execute();
    if (!counts) return;
    if (result.ok) {
      await trx
        .updateTable("webhook_endpoints")
        .set({ consecutive_failures: 0 })
        .where("id", "=", endpoint.id)
        .where("consecutive_failures", "<>", 0)
        .execute();
      return;
    }
    const row = await trx
      .updateTable("webhook_endpoints")
      .set((eb) => ({ consecutive_failures: eb("consecutive_failures", "+", 1) }))
      .where("id", "=", endpoint.id)
      .returning(["consecutive_failures", "status"])
      .executeTakeFirst();
    if (row && row.status === "active" && row.consecutive_failures >= DISABLE_AFTER_FAILURES) {
      const reason = `Disabled after ${row.consecutive_failures} failed deliveries in a row. Last error: ${result.error}`;
      await trx
        .updateTable("webhook_endpoints")
        .set({ status: "disabled", disabled_reason: reason, disabled_at: now, updated_at: now })
        .where("id", "=", endpoint.id)
        .execute();
      await recordAudit(
        trx,
        endpoint.org_id,
        null,
        {
          action: "webhook.disabled",
          targetType: "webhook",
          targetId: endpoint.id,
          data: { reason, failures: row.consecutive_failures },
        },
        now,
      );
    }
  });
}
