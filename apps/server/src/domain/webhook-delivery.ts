import { createHmac, randomUUID } from "node:crypto";
import type { OutboxMessage, WebhookEndpoint } from "@roster/db";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import { enqueueWebhook, type WebhookDelivery } from "../outbox/enqueue.js";
import { postOnce } from "../outbox/post.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordAudit, recordChange } from "./audit.js";
import { decodeIdCursor, idPage } from "./cursors.js";
import { findEndpoint, sendTestEvent } from "./webhook-endpoints.js";
import { TEST_EVENT } from "./webhook-events.js";

// Delivery: the outbox worker's handler for kind 'webhook', and the log of every attempt.

/** After this many failed attempts in a row, an endpoint is disabled until someone enables it again. */
export const DISABLE_AFTER_FAILURES = 10;
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** `t=<unix>,v1=<hex>`: HMAC-SHA256 with the endpoint's secret over `<t>.<body>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
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
  await findEndpoint(deps.db, access.orgId, input.endpointId);
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
  const { page, nextCursor } = idPage(rows, limit);
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
    nextCursor,
  };
}

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
  if (!endpoint) {
    // A deleted endpoint takes its pending deliveries with it, except its organization's last word.
    if (delivery.lastCall) await sendLastCall(deps, delivery, delivery.lastCall, timeoutMs);
    return;
  }
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

/**
 * `organization.deleted` to an endpoint deleted with its organization: signed and retried like any
 * delivery, with no log (the log went with the organization).
 */
async function sendLastCall(
  deps: Deps,
  delivery: WebhookDelivery,
  lastCall: { url: string; secretSealed: string },
  timeoutMs: number,
): Promise<void> {
  const timestamp = Math.floor(deps.clock().getTime() / 1000);
  const result = await postOnce(new URL(lastCall.url), {
    headers: {
      "content-type": "application/json",
      "user-agent": "Roster-Webhooks/1",
      "roster-event": delivery.event,
      "roster-delivery": delivery.deliveryId,
      "roster-signature": signatureHeader(deps.sealer.open(lastCall.secretSealed), timestamp, delivery.body),
    },
    body: delivery.body,
    timeoutMs,
    resolve: deps.resolveHost,
    allowPrivate: !deps.config.production,
  });
  if (!result.ok) throw new Error(result.error);
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

/**
 * Sends an event of this endpoint's delivery log again, as a new delivery (its own
 * `Roster-Delivery` id, the same event id and body), read from the events feed: so only events the
 * feed still keeps can be replayed. A test event is replayed as a new test event.
 */
export async function replayDelivery(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string; deliveryId: string },
): Promise<{ deliveryId: string }> {
  const endpoint = await findEndpoint(deps.db, access.orgId, input.endpointId);
  const attempt = await deps.db
    .selectFrom("webhook_deliveries")
    .select(["event_id", "event_type"])
    .where("org_id", "=", access.orgId)
    .where("endpoint_id", "=", endpoint.id)
    .where("delivery_id", "=", input.deliveryId)
    .limit(1)
    .executeTakeFirst();
  if (!attempt) {
    throw notFound("DELIVERY_NOT_FOUND", "This delivery is not in this webhook endpoint's log.");
  }
  if (attempt.event_type === TEST_EVENT) {
    const { deliveryId } = await sendTestEvent(deps, access, { endpointId: endpoint.id });
    return { deliveryId };
  }
  const now = deps.clock();
  const deliveryId = randomUUID();
  await runTransaction(deps, async (trx) => {
    const event = await trx
      .selectFrom("events")
      .select(["id", "type", "payload"])
      .where("id", "=", attempt.event_id)
      .where("org_id", "=", access.orgId)
      .executeTakeFirst();
    if (!event) {
      throw notFound(
        "EVENT_NOT_FOUND",
        "This event is older than the events feed keeps (EVENT_RETENTION_DAYS), so it cannot be sent again.",
      );
    }
    await enqueueWebhook(
      trx,
      `webhook-replay:${deliveryId}`,
      {
        orgId: access.orgId,
        endpointId: endpoint.id,
        deliveryId,
        eventId: event.id,
        event: event.type,
        body: JSON.stringify(event.payload),
      },
      now,
    );
    await recordChange(trx, access, now, "webhook.replayed", ["webhook", endpoint.id], {
      eventId: event.id,
      replayOf: input.deliveryId,
      deliveryId,
    });
  });
  deps.wakeOutbox();
  return { deliveryId };
}
