import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { conflict } from "../errors.js";
import { lockOrganization } from "./locks.js";

/**
 * Locks the organization row (lockOrganization) for the rest of the transaction and checks that `adding`
 * more seats fit. Seats are memberships (a deactivated member keeps their seat) plus pending,
 * unexpired invitations. Every path that adds a seat takes this lock, so parallel invites and
 * accepts are counted one after another and can never overshoot the limit.
 */
export async function reserveSeats(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
  adding: number,
  now: Date,
): Promise<void> {
  const org = await lockOrganization(deps, trx, orgId);
  await checkSeats(deps, trx, orgId, org.seatLimit, adding, now);
}

/** `reserveSeats` for a caller that already holds the organization's lock (and read its seat limit). */
export async function checkSeats(
  deps: Deps,
  trx: Transaction<Database>,
  orgId: string,
  seatLimit: number | null,
  adding: number,
  now: Date,
): Promise<void> {
  const limit = seatLimit ?? deps.config.defaultSeatLimit;
  if (limit === undefined || adding <= 0) return;
  const row = await trx
    .selectNoFrom((eb) => [
      eb
        .selectFrom("memberships")
        .select(eb.fn.countAll<string>().as("n"))
        .where("org_id", "=", orgId)
        .as("members"),
      eb
        .selectFrom("invitations")
        .select(eb.fn.countAll<string>().as("n"))
        .where("org_id", "=", orgId)
        .where("status", "=", "pending")
        .where("expires_at", ">", now)
        .as("invited"),
    ])
    .executeTakeFirstOrThrow();
  const used = Number(row.members) + Number(row.invited);
  if (used + adding > limit) {
    const left = Math.max(0, limit - used);
    throw conflict(
      "SEAT_LIMIT",
      `This organization has ${limit} seats and ${left === 0 ? "none are" : left === 1 ? "1 is" : `${left} are`} free. Remove members or revoke invitations, or ask for a higher limit.`,
      { limit, used, requested: adding },
    );
  }
}
