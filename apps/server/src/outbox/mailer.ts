import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import type { Transporter } from "nodemailer";
import { lazy } from "../lazy.js";
import type { EmailMessage } from "./enqueue.js";
import { DEFAULT_LANES } from "./worker.js";

export interface Mailer {
  /** `messageId` is stable per outbox row, so a retried send is recognisable downstream. */
  send(message: EmailMessage, messageId: string): Promise<void>;
  close(): void;
}

/**
 * Real delivery through nodemailer to SMTP_URL, over a pool of connections kept open between
 * messages (one per email the worker sends at once): a message costs its SMTP transaction, not a
 * new connection, greeting and TLS handshake. `?pool=false` in the URL opens one per message.
 */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  // nodemailer is loaded with the first email, not at start.
  let transport: Transporter | undefined;
  const open = lazy(async () => {
    transport = (await import("nodemailer")).default.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: DEFAULT_LANES.email.concurrency,
    });
    return transport;
  });
  return {
    async send(message, messageId) {
      await (await open()).sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
      });
    },
    close: () => transport?.close(),
  };
}

/** Without SMTP_URL, messages are kept in the database and shown by `dev.mailbox()`. */
export function devMailboxMailer(db: Kysely<Database>, from: string, now: () => Date): Mailer {
  return {
    async send(message, messageId) {
      await db
        .insertInto("dev_mailbox")
        .values({
          outbox_id: messageId.replace(/^<outbox-(\d+)@.*$/, "$1"),
          to: message.to,
          from,
          subject: message.subject,
          text: message.text,
          html: message.html,
          created_at: now(),
        })
        .execute();
    },
    close: () => {},
  };
}
