import { randomUUID } from "node:crypto";
import type { AuditEventsTable, Database } from "@roster/db";
import { EVENT_VERSION, parseEventData } from "@roster/events";
import { type Insertable, sql, type Transaction } from "kysely";
import { type Alongside, runWrites, withWrites } from "../alongside.js";
import type { Actor } from "../deps.js";
import { type EventInvitation, eventInvitations } from "./event-rows.js";
import { type AuditEntry, type Derive, EVENTS_FOR_ACTION, type NewEvent } from "./event-sources.js";
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

/** Audit entries to write in the same statement as the events they stand for. */
export type AuditRow = Insertable<AuditEventsTable>;

/**
 * Writes events to the feed and the outbox, in the caller's transaction: one statement writes the
 * events (and `auditRows`, the entries they stand for, and the change's own writes `alongside`) and
 * finds the endpoints subscribed to them, one more queues the deliveries, however many events.
 */
export async function publishEvents(
  trx: Transaction<Database>,
  orgId: string,
  actor: Pick<Actor, "userId"> | null,
  events: readonly NewEvent[],
  now: Date,
  auditRows: readonly AuditRow[] = [],
  alongside: readonly Alongside[] = [],
): Promise<WebhookEvent[]> {
  if (events.length === 0) {
    await writeAuditRows(trx, auditRows, alongside);
    return [];
  }
  const stamped = events.map(
    (event): WebhookEvent => ({
      id: randomUUID(),
      type: event.type,
      version: EVENT_VERSION,
      createdAt: now.toISOString(),
      organization: { id: orgId },
      actor: actor ? { userId: actor.userId } : null,
      target: event.target ?? null,
      data: parseEventData(event.type, event.data) as Record<string, unknown>,
    }),
  );
  const published = stamped.map((event) => ({ event, body: JSON.stringify(event) }));
  const feed = published.map(({ event, body }) => ({
    id: event.id,
    org_id: orgId,
    type: event.type,
    payload: body,
    created_at: now,
  }));
  // Data-modifying CTEs run whether or not the select reads them.
  const writes = withWrites(trx, [
    ...alongside,
    ...auditWrites(auditRows),
    (db) => db.insertInto("events").values(feed),
  ]);
  const types = [...new Set(stamped.map((event) => event.type))];
  const endpoints = await writes
    .selectFrom("webhook_endpoints")
    .select(["id", "url", "secret_sealed", "events"])
    .where("org_id", "=", orgId)
    .where("status", "=", "active")
    .where(sql<boolean>`events && ${types}::text[]`)
    .execute();
  await enqueueEventWebhooks(trx, orgId, published, endpoints, now);
  return stamped;
}

/** Writes one event to the feed and the outbox, in the caller's transaction. */
export async function publishEvent(
  trx: Transaction<Database>,
  orgId: string,
  actor: Pick<Actor, "userId"> | null,
  event: NewEvent,
  now: Date,
): Promise<WebhookEvent> {
  const [stamped] = await publishEvents(trx, orgId, actor, [event], now);
  return stamped as WebhookEvent;
}

/**
 * The events audit entries stand for (none for most of the log: usage, webhooks' own settings),
 * published together. The invitations the entries name are read once for all of them, except those
 * the caller has at hand as the change left them (`known`).
 */
export async function publishAuditedEvents(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  entries: readonly AuditEntry[],
  now: Date,
  known: { invitations?: ReadonlyMap<string, EventInvitation> } = {},
  auditRows: readonly AuditRow[] = [],
  alongside: readonly Alongside[] = [],
): Promise<void> {
  const published = entries.filter((entry) => EVENTS_FOR_ACTION[entry.action]);
  if (published.length === 0) {
    await writeAuditRows(trx, auditRows, alongside);
    return;
  }
  const invitations = new Map(known.invitations ?? []);
  const unread = published.flatMap((e) =>
    e.targetType === "invitation" && e.targetId && !invitations.has(e.targetId) ? [e.targetId] : [],
  );
  if (unread.length > 0)
    for (const [id, inv] of await eventInvitations(trx, unread)) invitations.set(id, inv);
  const events: NewEvent[] = [];
  for (const entry of published) {
    const derive = EVENTS_FOR_ACTION[entry.action] as Derive;
    events.push(...(await derive(trx, { orgId, actor, entry, data: entry.data ?? {}, invitations })));
  }
  await publishEvents(trx, orgId, actor, events, now, auditRows, alongside);
}

/** Audit entries that stand for no event, with the writes sent along with them: one statement. */
async function writeAuditRows(
  trx: Transaction<Database>,
  auditRows: readonly AuditRow[],
  alongside: readonly Alongside[],
): Promise<void> {
  await runWrites(trx, [...alongside, ...auditWrites(auditRows)]);
}

/** The insert of `auditRows`, to send with a statement (none when there is no row). */
const auditWrites = (auditRows: readonly AuditRow[]): Alongside[] =>
  auditRows.length > 0 ? [(db) => db.insertInto("audit_events").values([...auditRows])] : [];

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
