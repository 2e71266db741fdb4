import type { Database, OutboxKind, OutboxMessage } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { addSeconds } from "../clock.js";

/**
 * Claims up to `room` due messages of one kind, oldest first, leaving out lanes that already have
 * `perKey` messages in flight (leased by any instance). Claims of one kind take turns across
 * instances (an advisory lock held to the end of the claim's transaction), so each claim counts
 * the leases the others took.
 */
export async function claimDue(
  db: Kysely<Database>,
  kind: OutboxKind,
  { room, perKey, leaseSeconds, now }: { room: number; perKey: number; leaseSeconds: number; now: Date },
): Promise<OutboxMessage[]> {
  const rows = await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`roster:outbox:${kind}`}))`.execute(trx);
    const result = await sql<OutboxMessage>`
      with busy as (
        select lane_key, count(*) as n from outbox
        where status = 'pending' and kind = ${kind} and locked_until >= ${now}
        group by lane_key
      ), due as (
        select id, lane_key, next_attempt_at,
          row_number() over (partition by lane_key order by next_attempt_at, id) as rn
        from outbox
        where status = 'pending' and kind = ${kind} and next_attempt_at <= ${now}
          and (locked_until is null or locked_until < ${now})
      ), pick as (
        select due.id from due left join busy on busy.lane_key is not distinct from due.lane_key
        where due.rn + coalesce(busy.n, 0) <= ${perKey}
        order by due.next_attempt_at, due.id
        limit ${room}
      )
      update outbox set locked_until = ${addSeconds(now, leaseSeconds)}, attempts = attempts + 1
      where id in (select id from pick) and status = 'pending'
        and (locked_until is null or locked_until < ${now})
      returning *`.execute(trx);
    return result.rows;
  });
  // UPDATE … RETURNING gives rows in no particular order: start them in the order they were due.
  return rows.sort(
    (a, b) =>
      a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || Number(BigInt(a.id) - BigInt(b.id)),
  );
}
