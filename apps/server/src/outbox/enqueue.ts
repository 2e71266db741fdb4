import type { Database } from "@roster/db";
import type { Kysely, Transaction } from "kysely";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** One event for one endpoint. The URL and secret are read from the endpoint when it is sent. */
export interface WebhookDelivery {
  orgId: string;
  endpointId: string;
  /** Stays the same across retries (`Roster-Delivery`), so a receiver can drop a repeat. */
  deliveryId: string;
  eventId: string;
  event: string;
  body: string;
}

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Writes a message to the outbox, in the caller's transaction, so it is sent if and only if the
 * change that caused it commits. The idempotency key makes a repeated enqueue a no-op.
 */
export async function enqueueEmail(
  db: Executor,
  idempotencyKey: string,
  message: EmailMessage,
  now: Date,
): Promise<void> {
  await db
    .insertInto("outbox")
    .values({
      kind: "email",
      idempotency_key: idempotencyKey,
      payload: JSON.stringify(message),
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .execute();
}

export async function enqueueWebhook(
  db: Executor,
  idempotencyKey: string,
  delivery: WebhookDelivery,
  now: Date,
): Promise<void> {
  await db
    .insertInto("outbox")
    .values({
      kind: "webhook",
      idempotency_key: idempotencyKey,
      payload: JSON.stringify(delivery),
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .execute();
}
