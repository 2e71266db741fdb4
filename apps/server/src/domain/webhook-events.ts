import { randomUUID } from "node:crypto";
import type { Database } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Actor } from "../deps.js";
import { enqueueWebhook } from "../outbox/enqueue.js";

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
  "domain.verified",
  "domain.unverified",
  "domain.removed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const TEST_EVENT = "webhook.test";

/**
 * Audit actions that go out as webhook events. Leaving the organization is published as
 * `member.removed` with `data.left: true`: for a receiver the account must be blocked either way.
 */
const EVENT_FOR_ACTION: Record<string, { type: WebhookEventType; data?: Record<string, unknown> }> = {
  "member.left": { type: "member.removed", data: { left: true } },
};
for (const type of WEBHOOK_EVENTS) EVENT_FOR_ACTION[type] = { type };

/** An entry of the audit log; the ones whose action is a lifecycle event are also published. */
export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

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
