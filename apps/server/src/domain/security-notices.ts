import { randomUUID } from "node:crypto";
import type { Database } from "@roster/db";
import type { Kysely } from "kysely";
import type { Deps } from "../deps.js";
import { type SecurityChange, securityChangeEmail } from "../mail/templates.js";
import { enqueueEmails } from "../outbox/enqueue.js";

/**
 * Emails a person that how their account signs in changed (two-factor on or off, new recovery
 * codes, a passkey added or removed, a new password). Written to the outbox in the change's own
 * transaction, so the notice goes out exactly when the change commits.
 */
export async function noticeSecurityChange(
  deps: Deps,
  trx: Kysely<Database>,
  userId: string,
  change: SecurityChange,
  now: Date,
): Promise<void> {
  const person = await trx
    .selectFrom("users")
    .select(["email", "name"])
    .where("id", "=", userId)
    .where("kind", "=", "person")
    .executeTakeFirst();
  if (!person) return;
  await enqueueEmails(
    trx,
    [
      {
        // Each change is its own notice, however close together (a change is never retried).
        idempotencyKey: `security-${change.kind}:${userId}:${randomUUID()}`,
        message: securityChangeEmail(person.email, {
          name: person.name,
          url: `${deps.config.publicUrl}/account`,
          change,
        }),
      },
    ],
    now,
    deps.sealer,
  );
}
