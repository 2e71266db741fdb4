import { randomUUID } from "node:crypto";
import type { Database } from "@roster/db";
import { EVENT_VERSION, parseEventData } from "@roster/events";
import type { Transaction } from "kysely";
import type { Actor } from "../deps.js";
import { type AuditEntry, EVENTS_FOR_ACTION, type NewEvent } from "./event-sources.js";
import { enqueueEventWebhooks, type WebhookEvent } from "./webhook-events.js";

export type { AuditEntry, NewEvent };

/**
 * The one place events are written. `recordAudit` calls `publishAuditedEvents` for every audit
 * entry, in the transaction of the change; changes without an entry in the organization's log
 * (an organization's deletion, an invitation expiring) call `publishEvent` directly. Each event is
 * checked against its schema in `@roster/events`, kept in `events` for the feed, and queued for
 * every active webhook endpoint subscribed to its type: all of it commits with the change or not
 * at all.
 */

/** Writes one event to the feed and the outbox, in the caller's transaction. */
export async function publishEvent(
  trx: Transaction<Database>,
  orgId: string,
  actor: Pick<Actor, "userId"> | null,
  event: NewEvent,
  now: Date,
): Promise<WebhookEvent> {
  const stamped: WebhookEvent = {
    id: randomUUID(),
    type: event.type,
    version: EVENT_VERSION,
    createdAt: now.toISOString(),
    organization: { id: orgId },
    actor: actor ? { userId: actor.userId } : null,
    target: event.target ?? null,
    data: parseEventData(event.type, event.data) as Record<string, unknown>,
  };
  const payload = JSON.stringify(stamped);
  await trx
    .insertInto("events")
    .values({ id: stamped.id, org_id: orgId, type: stamped.type, payload, created_at: now })
    .execute();
  await enqueueEventWebhooks(trx, stamped, payload, now);
  return stamped;
}

/** The events an audit entry stands for (none for most of the log: usage, webhooks' own settings). */
export async function publishAuditedEvents(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  entry: AuditEntry,
  now: Date,
): Promise<void> {
  const derive = EVENTS_FOR_ACTION[entry.action];
  if (!derive) return;
  const events = await derive(trx, { orgId, actor, entry, data: entry.data ?? {} });
  for (const event of events) await publishEvent(trx, orgId, actor, event, now);
}

/** `organization.deleted`, published just before the organization's rows go. */
export function publishOrganizationDeleted(
  trx: Transaction<Database>,
  org: { id: string; name: string; slug: string; personal: boolean },
  members: number,
  actor: Actor,
  now: Date,
): Promise<WebhookEvent> {
  const target = { type: "organization", id: org.id };
  return publishEvent(
    trx,
    org.id,
    actor,
    { type: "organization.deleted", target, data: { organization: org, members } },
    now,
  );
}
