import { randomUUID } from "node:crypto";
import type { Database } from "@roster/db";
import { EVENT_TYPES, type EventType } from "@roster/events";
import { type Kysely, sql } from "kysely";
import { enqueueWebhooks, type WebhookDelivery } from "../outbox/enqueue.js";

/**
 * Outgoing webhooks. Every event of the catalogue (`@roster/events`) can be subscribed to; events
 * are published by `publishEvent` (domain/events.ts), inside the transaction of the change, as one
 * outbox message per subscribed endpoint; the outbox worker delivers them with retries. Each
 * request is signed:
 *
 *   Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *   Roster-Event: membership.joined
 *   Roster-Delivery: <uuid, the same for every retry of one delivery>
 */
export const WEBHOOK_EVENTS: readonly EventType[] = EVENT_TYPES;
export type WebhookEventType = EventType;
export const TEST_EVENT = "webhook.test";

/** An event as sent to endpoints and returned by the feed. */
export interface WebhookEvent {
  id: string;
  type: string;
  version: number;
  createdAt: string;
  organization: { id: string };
  actor: { userId: string } | null;
  target: { type: string; id: string } | null;
  data: Record<string, unknown>;
}

/**
 * Queues each event for every active endpoint of its organization subscribed to its type, in the
 * caller's transaction, so it is sent if and only if the change commits, in one statement.
 * `endpoints` are the organization's active ones subscribed to any of the events' types. An organization's deletion takes its endpoints with
 * it: that last event, and any delivery still waiting for those endpoints, carries the address and
 * the sealed secret.
 */
export async function enqueueEventWebhooks(
  trx: Kysely<Database>,
  orgId: string,
  published: readonly { event: WebhookEvent; body: string }[],
  endpoints: readonly { id: string; url: string; secret_sealed: string; events: string[] }[],
  now: Date,
): Promise<void> {
  const deliveries: { idempotencyKey: string; delivery: WebhookDelivery }[] = [];
  for (const { event, body } of published) {
    const last = event.type === "organization.deleted";
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(event.type)) continue;
      const lastCall = { url: endpoint.url, secretSealed: endpoint.secret_sealed };
      if (last) {
        // Deliveries still waiting for this endpoint go with it unless they know where to go.
        await sql`update outbox set payload = jsonb_set(payload, '{lastCall}', ${JSON.stringify(lastCall)}::jsonb)
          where kind = 'webhook' and lane_key = ${endpoint.id} and status = 'pending'`.execute(trx);
        for (const d of deliveries) if (d.delivery.endpointId === endpoint.id) d.delivery.lastCall = lastCall;
      }
      deliveries.push({
        idempotencyKey: `webhook:${event.id}:${endpoint.id}`,
        delivery: {
          orgId,
          endpointId: endpoint.id,
          deliveryId: randomUUID(),
          eventId: event.id,
          event: event.type,
          body,
          ...(last ? { lastCall } : {}),
        },
      });
    }
  }
  await enqueueWebhooks(trx, deliveries, now);
}
