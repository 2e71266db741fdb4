import type { Database } from "@roster/db";
import type { EventType } from "@roster/events";
import { type Kysely, sql } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import type { OrgAccess } from "./access.js";
import type { WebhookEvent } from "./webhook-events.js";

/**
 * The events feed: every published event, oldest first, for EVENT_RETENTION_DAYS.
 *
 * Events are numbered when written (`seq`), but transactions commit in another order: a slow
 * transaction can commit an event numbered before one a reader has already passed. So the feed is
 * ordered by the writing transaction's id, then `seq`, and a read returns only events whose
 * transaction is older than the oldest transaction of this database still running (`feedHorizon`):
 * every transaction that could still commit an event has a larger id than any event returned, so
 * it lands after the reader's cursor, never behind it. The cost is that the feed waits for the
 * oldest running transaction of this database to end.
 *
 * `after` is either a cursor this feed returned (exact) or an event id, for example the last one a
 * webhook receiver saw: then the read also includes events of transactions that overlapped that
 * event's (they may sort before it), so a receiver that comes back misses nothing and drops what
 * it already has by id.
 */

export interface EventPage {
  events: WebhookEvent[];
  /** Where to read from next time (also when no event came): pass it as `after`. */
  cursor: string | null;
}

/** A feed position: `<xid>.<seq>`, both decimal. */
const CURSOR = /^(0|[1-9][0-9]{0,19})\.(0|[1-9][0-9]{0,18})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

const invalidAfter = () =>
  badRequest(
    "INVALID_CURSOR",
    "`after` is a cursor the feed returned or an event id. Start again from the start.",
  );

interface Position {
  xid: string;
  seq: string;
  /** Set when resuming from an event id: that event and those before it in its transaction are not returned again. */
  through?: { xid: string; seq: string };
}

async function resolveAfter(db: Kysely<Database>, orgId: string | null, after: string): Promise<Position> {
  const exact = CURSOR.exec(after);
  if (exact) {
    const [, xid, seq] = exact as unknown as [string, string, string];
    if (BigInt(xid) > MAX_XID8 || BigInt(seq) > MAX_BIGINT) throw invalidAfter();
    return { xid, seq };
  }
  if (!UUID.test(after)) throw invalidAfter();
  const row = await db
    .selectFrom("events")
    .select(["overlap_xid", "xid", "seq"])
    .where("id", "=", after)
    .$if(orgId !== null, (q) => q.where("org_id", "=", orgId!))
    .executeTakeFirst();
  if (!row) {
    throw notFound(
      "EVENT_NOT_FOUND",
      "This event is not in the feed: it is older than the feed keeps, or not this organization's. Read from the start.",
    );
  }
  // From the start of the oldest transaction that was running when it was written.
  return { xid: String(row.overlap_xid), seq: "0", through: { xid: String(row.xid), seq: String(row.seq) } };
}

/**
 * The feed shows events of transactions below this id. The statement's snapshot lists the
 * transactions in progress when it began (in every database of the cluster); of those, the ones
 * that could write events are this database's, which `pg_stat_activity` names (read after the
 * snapshot was taken: one that ended in between has committed before the next statement's
 * snapshot, which reads the events). Without any, the horizon is the snapshot's `xmax`: every later
 * transaction gets a larger id. The database role must see its own sessions' transaction ids (one
 * role for all instances, or `pg_read_all_stats`).
 */
export async function feedHorizon(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ horizon: string }>`
    with snap as (select pg_current_snapshot() as s),
    mine as (
      select backend_xid::text::bigint as xid32 from pg_stat_activity
      where datname = current_database() and backend_xid is not null
    )
    select coalesce(
      (select min(x) from snap, pg_snapshot_xip(snap.s) as x
        where (x::text::numeric % 4294967296)::bigint in (select xid32 from mine)),
      (select pg_snapshot_xmax(s) from snap)
    )::text as horizon`.execute(db);
  return rows[0]!.horizon;
}

/** One page of the feed: of one organization, or (orgId null) of all of them. */
async function readFeed(
  db: Kysely<Database>,
  orgId: string | null,
  input: { after?: string | undefined; types?: EventType[] | undefined; limit?: number | undefined },
): Promise<EventPage> {
  const limit = input.limit ?? 100;
  const from = input.after ? await resolveAfter(db, orgId, input.after) : null;
  const horizon = await feedHorizon(db);
  const rows = await db
    .selectFrom("events")
    .select(["id", "xid", "seq", "payload"])
    .$if(orgId !== null, (q) => q.where("org_id", "=", orgId!))
    .where(sql<boolean>`xid < ${horizon}::xid8`)
    .$if(from !== null, (q) => q.where(sql<boolean>`(xid, seq) > (${from!.xid}::xid8, ${from!.seq}::bigint)`))
    .$if(from?.through !== undefined, (q) =>
      q.where(sql<boolean>`not (xid = ${from!.through!.xid}::xid8 and seq <= ${from!.through!.seq}::bigint)`),
    )
    .$if(input.types !== undefined && input.types.length > 0, (q) => q.where("type", "in", input.types!))
    .orderBy("xid")
    .orderBy("seq")
    .limit(limit)
    .execute();
  const last = rows.at(-1);
  const cursor = last ? `${last.xid}.${last.seq}` : (input.after ?? null);
  return { events: rows.map((r) => r.payload as unknown as WebhookEvent), cursor };
}

export function listOrgEvents(
  deps: Deps,
  access: OrgAccess,
  input: { after?: string | undefined; types?: EventType[] | undefined; limit?: number | undefined },
): Promise<EventPage> {
  return readFeed(deps.db, access.orgId, input);
}

/** For a host product's backend (host API key): every organization's events, or one's. */
export function listHostEvents(
  deps: Deps,
  input: {
    orgId?: string | undefined;
    after?: string | undefined;
    types?: EventType[] | undefined;
    limit?: number | undefined;
  },
): Promise<EventPage> {
  return readFeed(deps.db, input.orgId ?? null, input);
}
