import type { Database } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Alongside } from "../alongside.js";
import type { Actor, Deps } from "../deps.js";
import { badRequest } from "../errors.js";
import type { OrgAccess } from "./access.js";
import { decodeIdCursor, idPage } from "./cursors.js";
import { type AuditEntry, publishAuditedEvents } from "./events.js";

export type { AuditEntry };

/** Rows the events of a change carry, when the caller already holds them. */
export type AuditedRows = Parameters<typeof publishAuditedEvents>[5];

/** Keys naming the scope a call was made in (router plumbing), never part of what changed. */
const PLUMBING_KEYS: ReadonlySet<string> = new Set(["orgId"]);

/** `data` without plumbing keys, also in a `changed` list built from a procedure's input. */
function withoutPlumbing(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data) return data;
  const kept = Object.entries(data).filter(([key]) => !PLUMBING_KEYS.has(key));
  return Object.fromEntries(
    kept.map(([key, value]) =>
      key === "changed" && Array.isArray(value)
        ? [key, value.filter((f) => !PLUMBING_KEYS.has(f))]
        : [key, value],
    ),
  );
}

/**
 * Who did what to whom, when and from where: written in the same transaction as the change. Every
 * lifecycle point passes through here, so this is also where the events a host mirrors are
 * published (to the feed and the webhook outbox, in the same transaction: domain/events.ts).
 */
export async function recordAudit(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  given: AuditEntry,
  now: Date,
): Promise<void> {
  await recordAudits(trx, orgId, actor, [given], now);
}

/**
 * `recordAudit` for several entries at once: the log and their events in one statement, which also
 * carries the change's own writes given `alongside` (its new rows, its emails).
 */
export async function recordAudits(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  given: readonly AuditEntry[],
  now: Date,
  known?: AuditedRows,
  alongside: readonly Alongside[] = [],
): Promise<void> {
  if (given.length === 0) return;
  const entries = given.map((entry) => ({ ...entry, data: withoutPlumbing(entry.data) }));
  const rows = entries.map((entry) => ({
    org_id: orgId,
    actor_id: actor?.userId ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    data: JSON.stringify(entry.data ?? {}),
    ip: actor?.ip ?? null,
    user_agent: actor?.userAgent?.slice(0, 512) ?? null,
    created_at: now,
  }));
  // The entries are written with their events, in one statement (the events read no entry).
  await publishAuditedEvents(trx, orgId, actor, entries, now, known, rows, alongside);
}

/** What a change was made to: its type and id (`["group", groupId]`). */
export type AuditTarget = readonly [type: string, id: string];

/**
 * `recordAudit` for a change the caller makes in their organization, the common case, in one
 * line: what was done (`action`), to what (`target`, or null) and the details (`data`).
 */
export function recordChange(
  trx: Transaction<Database>,
  access: OrgAccess,
  now: Date,
  action: string,
  target: AuditTarget | null,
  data?: Record<string, unknown>,
): Promise<void> {
  return recordChanges(trx, access, now, [{ action, target, ...(data !== undefined ? { data } : {}) }]);
}

/** A change in the caller's organization, as `recordChange` takes it. */
export interface Change {
  action: string;
  target: AuditTarget | null;
  data?: Record<string, unknown>;
}

/**
 * `recordChange` for many changes made by one call (a batch of invitations), written together.
 * `known` gives rows the events carry that the caller already holds as the change left them;
 * `alongside`, writes of the change sent in the same statement (see `recordAudits`).
 */
export function recordChanges(
  trx: Transaction<Database>,
  access: OrgAccess,
  now: Date,
  changes: readonly Change[],
  known?: AuditedRows,
  alongside: readonly Alongside[] = [],
): Promise<void> {
  const entries = changes.map(
    ({ action, target, data }): AuditEntry => ({
      action,
      ...(target ? { targetType: target[0], targetId: target[1] } : {}),
      ...(data !== undefined ? { data } : {}),
    }),
  );
  return recordAudits(trx, access.orgId, access.actor, entries, now, known, alongside);
}

/**
 * An entry in the deployment's audit log, for what happens to an organization as a whole (its
 * deletion): it outlives the organization, whose own log goes with it. Read by operators in SQL.
 */
export async function recordDeploymentAudit(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor | null,
  action: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await trx
    .insertInto("deployment_audit_events")
    .values({
      org_id: orgId,
      actor_id: actor?.userId ?? null,
      action,
      data: JSON.stringify(data),
      ip: actor?.ip ?? null,
      user_agent: actor?.userAgent?.slice(0, 512) ?? null,
      created_at: now,
    })
    .execute();
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { id: string; name: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  /** What the target is called now (a person's name, an address, a resource's name), if it still exists. */
  targetName: string | null;
  data: Record<string, unknown>;
  /** The names of the people whose ids appear in `data` (who took resources over, who was charged). */
  people: Record<string, string>;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

const UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
/** A name from one of the organization's own tables: never another organization's row. */
const named = (table: string, column: string) =>
  sql`(select ${sql.ref(column)} from ${sql.table(table)} where id = a.target_id::uuid and org_id = a.org_id)`;

/**
 * The target's name, read in the same query as the page (a key lookup per entry, no round trip per
 * row). The id is cast only in the branch of its type, so ids that are not uuids never are.
 */
const targetName = sql<string | null>`case when a.target_id !~ ${UUID} then null
  when a.target_type = 'user' then (select coalesce(nullif(name, ''), email) from users where id = a.target_id::uuid)
  when a.target_type = 'invitation' then ${named("invitations", "email")}
  when a.target_type = 'resource' then ${named("resources", "name")}
  when a.target_type = 'workspace' then ${named("workspaces", "name")}
  when a.target_type = 'group' then ${named("groups", "name")}
  when a.target_type = 'organization' then (select name from organizations where id = a.target_id::uuid and id = a.org_id)
  when a.target_type = 'domain' then ${named("org_domains", "domain")}
  end`;

/** People named by id in an entry's data (`transferTo`, `chargedTo`, a transfer's `from` and `to`). */
const peopleInData = sql<Record<string, string> | null>`(
  select jsonb_object_agg(p.id, coalesce(nullif(p.name, ''), p.email)) from users p
  where p.id in (select d.value::uuid from jsonb_each_text(case when jsonb_typeof(a.data) = 'object' then a.data else '{}' end) d
    where d.value ~ ${UUID}))`;

export interface AuditFilters {
  /** The person or service account who acted. */
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Entries at or after this instant (ISO 8601). */
  from?: string | undefined;
  /** Entries before this instant (ISO 8601). */
  to?: string | undefined;
}

/** The organization's log, newest first, one keyset page (by id) at a time, narrowed by `filters`. */
export async function listAudit(
  deps: Deps,
  access: OrgAccess,
  input: AuditFilters & { cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  const limit = input.limit ?? 50;
  const from = input.from ? new Date(input.from) : null;
  const to = input.to ? new Date(input.to) : null;
  if (from && to && !(to.getTime() > from.getTime())) {
    throw badRequest("INVALID_RANGE", "The end of the date range must come after its start.");
  }
  let query = deps.db
    .selectFrom("audit_events as a")
    .leftJoin("users as u", "u.id", "a.actor_id")
    .select([
      "a.id",
      "a.action",
      "a.actor_id",
      "u.name as actor_name",
      "u.email as actor_email",
      "a.target_type",
      "a.target_id",
      targetName.as("target_name"),
      "a.data",
      peopleInData.as("people"),
      "a.ip",
      "a.user_agent",
      "a.created_at",
    ])
    .where("a.org_id", "=", access.orgId)
    .orderBy("a.id", "desc")
    .limit(limit + 1);
  const cursor = decodeIdCursor(input.cursor);
  if (cursor) query = query.where("a.id", "<", cursor);
  if (input.action) query = query.where("a.action", "=", input.action);
  if (input.actorId) query = query.where("a.actor_id", "=", input.actorId);
  if (input.targetType) query = query.where("a.target_type", "=", input.targetType);
  if (input.targetId) query = query.where("a.target_id", "=", input.targetId);
  if (from) query = query.where("a.created_at", ">=", from);
  if (to) query = query.where("a.created_at", "<", to);
  const rows = await query.execute();
  const { page, nextCursor } = idPage(rows, limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? "", email: r.actor_email ?? "" } : null,
      targetType: r.target_type,
      targetId: r.target_id,
      targetName: r.target_name,
      data: r.data,
      people: r.people ?? {},
      ip: r.ip,
      userAgent: r.user_agent,
      createdAt: r.created_at.toISOString(),
    })),
    nextCursor,
  };
}
