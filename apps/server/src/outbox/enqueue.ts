import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import { type Alongside, runWrites } from "../alongside.js";
import type { Sealer } from "../crypto.js";

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
  /**
   * Only on `organization.deleted`, whose endpoint is deleted with the organization: where to send
   * it and the endpoint's secret, still sealed with the server key.
   */
  lastCall?: { url: string; secretSealed: string };
}

/**
 * How an email sits in the outbox: recipient and subject in the clear (for inspection), the body
 * sealed with the server key, since it carries live links (password reset, confirmation,
 * invitation). The body is dropped once the message is sent or given up.
 */
export interface StoredEmail {
  to: string;
  subject: string;
  sealed?: string;
}

/** The message to send from a stored email; rows queued before bodies were sealed are plain. */
export function openEmail(payload: Record<string, unknown>, sealer: Pick<Sealer, "open">): EmailMessage {
  const stored = payload as unknown as StoredEmail & Partial<EmailMessage>;
  if (typeof stored.sealed === "string") return JSON.parse(sealer.open(stored.sealed)) as EmailMessage;
  if (typeof stored.text !== "string") throw new Error("This email's body is no longer kept.");
  return stored as EmailMessage;
}

/**
 * Writes a message to the outbox, in the caller's transaction, so it is sent if and only if the
 * change that caused it commits. The idempotency key makes a repeated enqueue a no-op.
 */
export async function enqueueEmail(
  db: Kysely<Database>,
  idempotencyKey: string,
  message: EmailMessage,
  now: Date,
  sealer: Pick<Sealer, "seal">,
): Promise<void> {
  await enqueueEmails(db, [{ idempotencyKey, message }], now, sealer);
}

/** `enqueueEmail` for several messages, in one statement. */
export async function enqueueEmails(
  db: Kysely<Database>,
  emails: readonly { idempotencyKey: string; message: EmailMessage }[],
  now: Date,
  sealer: Pick<Sealer, "seal">,
): Promise<void> {
  await runWrites(db, emailsToEnqueue(emails, now, sealer));
}

/**
 * `enqueueEmails` as a write to send along with another statement of the caller's transaction
 * (`Alongside`): none when there is no message.
 */
export function emailsToEnqueue(
  emails: readonly { idempotencyKey: string; message: EmailMessage }[],
  now: Date,
  sealer: Pick<Sealer, "seal">,
): Alongside[] {
  if (emails.length === 0) return [];
  const rows = emails.map(({ idempotencyKey, message }) => {
    const stored: StoredEmail = {
      to: message.to,
      subject: message.subject,
      sealed: sealer.seal(JSON.stringify(message)),
    };
    return {
      kind: "email" as const,
      idempotency_key: idempotencyKey,
      lane_key: message.to.toLowerCase(),
      payload: JSON.stringify(stored),
      next_attempt_at: now,
      created_at: now,
    };
  });
  return [
    (db) =>
      db
        .insertInto("outbox")
        .values(rows)
        .onConflict((oc) => oc.column("idempotency_key").doNothing()),
  ];
}

export async function enqueueWebhook(
  db: Kysely<Database>,
  idempotencyKey: string,
  delivery: WebhookDelivery,
  now: Date,
): Promise<void> {
  await enqueueWebhooks(db, [{ idempotencyKey, delivery }], now);
}

/** Webhook deliveries, in one statement. */
export async function enqueueWebhooks(
  db: Kysely<Database>,
  deliveries: readonly { idempotencyKey: string; delivery: WebhookDelivery }[],
  now: Date,
): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto("outbox")
    .values(
      deliveries.map(({ idempotencyKey, delivery }) => ({
        kind: "webhook" as const,
        idempotency_key: idempotencyKey,
        lane_key: delivery.endpointId,
        payload: JSON.stringify(delivery),
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .execute();
}
