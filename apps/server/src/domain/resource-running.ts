import type { Database, Resource } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import type { OrgAccess } from "./access.js";

/**
 * A resource's running time, charged when it stops: to its owner (who runs it), or, when it has no
 * owner, to whoever started it; never to whoever pressed Stop. The time since `running_since`
 * becomes one `running-hours` usage event costing CREDITS_PER_RUNNING_HOUR credits an hour, keyed by
 * the resource and the moment it started, so stopping once charges once.
 */

export const RUNNING_UNIT = "running-hours";

/** The columns to set when a resource starts running now (registered running, or started). */
export function startedNow(access: OrgAccess, now: Date): { running_since: Date; started_by: string } {
  return { running_since: now, started_by: access.actor.userId };
}

/**
 * Refuses to start while the organization has no credits left, when the deployment says so
 * (START_WITHOUT_CREDITS=false). Called inside the transaction that starts the resource.
 */
export async function requireCreditsToStart(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
): Promise<void> {
  if (deps.config.startWithoutCredits) return;
  const balance = await creditsLeft(trx, orgId);
  if (balance <= 0) {
    throw conflict(
      "CREDITS_EXHAUSTED",
      "This organization has no credits left, so nothing can be started. Add credits, then try again.",
      { balance },
    );
  }
}

/** The organization's credit balance: every grant minus every usage event's credits. */
export async function creditsLeft(trx: Transaction<Database>, orgId: string): Promise<number> {
  const row = await trx
    .selectNoFrom((eb) => [
      eb
        .selectFrom("credit_grants")
        .select(sql<string>`coalesce(sum(amount), 0)`.as("n"))
        .where("org_id", "=", orgId)
        .as("granted"),
      eb
        .selectFrom("usage_events")
        .select(sql<string>`coalesce(sum(credits), 0)`.as("n"))
        .where("org_id", "=", orgId)
        .as("consumed"),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.granted ?? 0) - Number(row.consumed ?? 0);
}

/**
 * Records the running time of a resource that stops now (stopped or terminated while running).
 * Returns who was charged, for the audit entry; null when it was not running.
 */
export async function chargeRunningTime(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  resource: Resource,
  now: Date,
): Promise<{ chargedTo: string; as: "owner" | "starter"; hours: number } | null> {
  if (resource.state !== "running" || resource.running_since === null) return null;
  const since = new Date(resource.running_since);
  const hours = Math.max(0.01, Math.round(((now.getTime() - since.getTime()) / 3_600_000) * 100) / 100);
  const owner = resource.owner_id;
  const chargedTo = owner ?? resource.started_by ?? access.actor.userId;
  const as = owner ? "owner" : "starter";
  await trx
    .insertInto("usage_events")
    .values({
      org_id: resource.org_id,
      idempotency_key: `running:${resource.id}:${since.toISOString()}`,
      user_id: chargedTo,
      resource_id: resource.id,
      workspace_id: resource.workspace_id,
      quantity: hours,
      unit: RUNNING_UNIT,
      credits: Math.round(hours * deps.config.creditsPerRunningHour * 100) / 100,
      occurred_at: now,
      metadata: JSON.stringify({ chargedTo: as, stoppedBy: access.actor.userId, since: since.toISOString() }),
      recorded_by: access.actor.userId,
      created_at: now,
    })
    .onConflict((oc) => oc.constraint("usage_events_idempotency_key").doNothing())
    .execute();
  return { chargedTo, as, hours };
}
