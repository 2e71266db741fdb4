import type { Deps } from "../deps.js";
import { runTransaction } from "../transaction.js";
import { eventInvitation } from "./event-rows.js";
import { publishEvent } from "./events.js";

/** Invitations whose expiry one pass publishes at most; the rest wait for the next pass. */
const BATCH = 100;

/**
 * Publishes `invitation.expired` for each pending invitation whose time has run out, once per
 * expiry (renewing an invitation gives it a new one). Run by the worker on every pass; instances
 * skip the invitations another one is publishing. Returns how many were published.
 */
export async function publishExpiredInvitations(deps: Deps): Promise<number> {
  const now = deps.clock();
  const published = await runTransaction(deps, async (trx) => {
    const due = await trx
      .selectFrom("invitations")
      .select(["id", "org_id", "expires_at"])
      .where("status", "=", "pending")
      .where("expires_at", "<=", now)
      .where((eb) => eb("expiry_published_at", "is distinct from", eb.ref("expires_at")))
      .orderBy("expires_at")
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const inv of due) {
      await trx
        .updateTable("invitations")
        .set({ expiry_published_at: inv.expires_at })
        .where("id", "=", inv.id)
        .execute();
      await publishEvent(
        trx,
        inv.org_id,
        null,
        {
          type: "invitation.expired",
          target: { type: "invitation", id: inv.id },
          data: { invitation: await eventInvitation(trx, inv.id) },
        },
        inv.expires_at,
      );
    }
    return due.length;
  });
  if (published > 0) deps.wakeOutbox();
  return published;
}
