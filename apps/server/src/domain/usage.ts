import { sql } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { resourcesForUsage } from "./resources.js";

/**
 * Usage events and credits. Usage is recorded per organization, member and resource (the
 * resource's workspace is copied onto the event, so reports keep it if the resource moves or goes);
 * each event has an idempotency key, and a repeated key is a no-op. An event may cost credits:
 * the balance is every grant minus every event's credits.
 */
export interface UsageEventInput {
  idempotencyKey: string;
  quantity: number;
  unit: string;
  occurredAt?: string | undefined;
  userId?: string | undefined;
  resourceId?: string | undefined;
  credits?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * Records a batch of usage events in one transaction. The member an event is attributed to is the
 * one named, else the resource's owner, else the caller.
 */
export async function recordUsage(
  deps: Deps,
  access: OrgAccess,
  input: { events: UsageEventInput[] },
): Promise<{ recorded: number; duplicates: number }> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const resourceIds = [...new Set(input.events.flatMap((e) => (e.resourceId ? [e.resourceId] : [])))];
    const resources = await resourcesForUsage(trx, access.orgId, resourceIds);
    const missing = resourceIds.filter((id) => !resources.has(id));
    if (missing.length > 0) {
      throw notFound("RESOURCE_NOT_FOUND", "Some of these resources do not exist in this organization.");
    }
    const userIds = [...new Set(input.events.flatMap((e) => (e.userId ? [e.userId] : [])))];
    if (userIds.length > 0) {
      const members = await trx
        .selectFrom("memberships")
        .select("user_id")
        .where("org_id", "=", access.orgId)
        .where("user_id", "in", userIds)
        .execute();
      if (members.length !== userIds.length) {
        throw notFound("MEMBER_NOT_FOUND", "Some of these people are not members of the organization.");
      }
    }
    const inserted = await trx
      .insertInto("usage_events")
      .values(
        input.events.map((e) => {
          const resource = e.resourceId ? resources.get(e.resourceId) : undefined;
          return {
            org_id: access.orgId,
            idempotency_key: e.idempotencyKey,
            user_id: e.userId ?? resource?.ownerId ?? access.actor.userId,
            resource_id: e.resourceId ?? null,
            workspace_id: resource?.workspaceId ?? null,
            quantity: e.quantity,
            unit: e.unit,
            credits: e.credits ?? 0,
            occurred_at: e.occurredAt ? new Date(e.occurredAt) : now,
            metadata: JSON.stringify(e.metadata ?? {}),
            recorded_by: access.actor.userId,
            created_at: now,
          };
        }),
      )
      .onConflict((oc) => oc.constraint("usage_events_idempotency_key").doNothing())
      .returning("id")
      .execute();
    const recorded = inserted.length;
    const duplicates = input.events.length - recorded;
    if (recorded > 0) {
      await recordChange(trx, access, now, "usage.recorded", ["organization", access.orgId], {
        recorded,
        duplicates,
      });
    }
    return { recorded, duplicates };
  });
}

// ---- credits ----

export interface CreditBalance {
  granted: number;
  consumed: number;
  balance: number;
  /** False when the deployment refuses to start resources with no credits left (START_WITHOUT_CREDITS). */
  startWithoutCredits: boolean;
  /** What an hour of a resource's running time costs, charged to its owner when it stops. */
  creditsPerRunningHour: number;
}

export async function creditBalance(deps: Deps, access: OrgAccess): Promise<CreditBalance> {
  const row = await deps.db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("credit_grants")
        .select(sql<string>`coalesce(sum(amount), 0)`.as("n"))
        .where("org_id", "=", access.orgId)
        .as("granted"),
      eb
        .selectFrom("usage_events")
        .select(sql<string>`coalesce(sum(credits), 0)`.as("n"))
        .where("org_id", "=", access.orgId)
        .as("consumed"),
    ])
    .executeTakeFirstOrThrow();
  const granted = Number(row.granted ?? 0);
  const consumed = Number(row.consumed ?? 0);
  return {
    granted,
    consumed,
    balance: granted - consumed,
    startWithoutCredits: deps.config.startWithoutCredits,
    creditsPerRunningHour: deps.config.creditsPerRunningHour,
  };
}

export interface CreditGrantView {
  id: string;
  amount: number;
  reason: string;
  grantedBy: { id: string; name: string } | null;
  createdAt: string;
}

/** Adds credits. With an idempotency key, granting again with the same key changes nothing. */
export async function grantCredits(
  deps: Deps,
  access: OrgAccess,
  input: { amount: number; reason?: string | undefined; idempotencyKey?: string | undefined },
): Promise<{ granted: boolean; balance: CreditBalance }> {
  const now = deps.clock();
  const granted = await runTransaction(deps, async (trx) => {
    const row = await trx
      .insertInto("credit_grants")
      .values({
        org_id: access.orgId,
        amount: input.amount,
        reason: input.reason ?? "",
        idempotency_key: input.idempotencyKey ?? null,
        granted_by: access.actor.userId,
        created_at: now,
      })
      .onConflict((oc) => oc.constraint("credit_grants_idempotency_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    await recordChange(trx, access, now, "credits.granted", ["credit_grant", row.id], {
      amount: input.amount,
      reason: input.reason ?? "",
    });
    return true;
  });
  return { granted, balance: await creditBalance(deps, access) };
}

export async function listCreditGrants(
  deps: Deps,
  access: OrgAccess,
  input: { limit?: number | undefined },
): Promise<CreditGrantView[]> {
  const rows = await deps.db
    .selectFrom("credit_grants as g")
    .leftJoin("users as u", "u.id", "g.granted_by")
    .select(["g.id", "g.amount", "g.reason", "g.granted_by", "u.name as granted_by_name", "g.created_at"])
    .where("g.org_id", "=", access.orgId)
    .orderBy("g.created_at", "desc")
    .orderBy("g.id", "desc")
    .limit(input.limit ?? 50)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    amount: Number(r.amount),
    reason: r.reason,
    grantedBy: r.granted_by ? { id: r.granted_by, name: r.granted_by_name ?? "" } : null,
    createdAt: r.created_at.toISOString(),
  }));
}

// ---- reports ----

export type ReportGroup = "organization" | "member" | "workspace" | "resource";
export type ReportPeriod = "day" | "month";

export interface UsageReport {
  groupBy: ReportGroup;
  period: ReportPeriod;
  from: string;
  to: string;
  rows: {
    period: string;
    key: string | null;
    label: string | null;
    unit: string;
    quantity: number;
    credits: number;
    events: number;
  }[];
  /** Per unit over the whole range. */
  totals: { unit: string; quantity: number; credits: number; events: number }[];
  /** Every unit together: credits and number of events. */
  total: { credits: number; events: number };
}

interface ReportRow {
  period: string | null;
  key: string | null;
  label: string | null;
  unit: string | null;
  quantity: string;
  credits: string;
  events: string;
  level: number;
}

const KEY: Record<ReportGroup, ReturnType<typeof sql>> = {
  organization: sql`e.org_id::text`,
  member: sql`e.user_id::text`,
  workspace: sql`e.workspace_id::text`,
  resource: sql`e.resource_id::text`,
};
const LABEL: Record<ReportGroup, ReturnType<typeof sql>> = {
  organization: sql`o.name`,
  member: sql`coalesce(nullif(u.name, ''), u.email)`,
  workspace: sql`w.name`,
  resource: sql`r.name`,
};

/**
 * Usage between `from` (inclusive) and `to` (exclusive), per period (UTC days or months) and per
 * organization, member, workspace or resource, with totals — one query: GROUP BY GROUPING SETS
 * over date_trunc. Events without a member, workspace or resource form a group with key null.
 */
export async function usageReport(
  deps: Deps,
  access: OrgAccess,
  input: { groupBy: ReportGroup; period: ReportPeriod; from: string; to: string; unit?: string | undefined },
): Promise<UsageReport> {
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (!(to.getTime() > from.getTime())) {
    throw badRequest("INVALID_RANGE", "The end of the report range must come after its start.");
  }
  const format = input.period === "day" ? "YYYY-MM-DD" : "YYYY-MM";
  const { rows } = await sql<ReportRow>`
    select
      period, key, label, unit,
      sum(quantity)::text as quantity,
      sum(credits)::text as credits,
      count(*)::text as events,
      grouping(period, key, label, unit) as level
    from (
      select
        to_char(date_trunc(${input.period}, e.occurred_at at time zone 'UTC'), ${format}) as period,
        ${KEY[input.groupBy]} as key,
        ${LABEL[input.groupBy]} as label,
        e.unit, e.quantity, e.credits
      from usage_events e
      join organizations o on o.id = e.org_id
      left join users u on u.id = e.user_id
      left join workspaces w on w.id = e.workspace_id and w.org_id = e.org_id
      left join resources r on r.id = e.resource_id and r.org_id = e.org_id
      where e.org_id = ${access.orgId}
        and e.occurred_at >= ${from}
        and e.occurred_at < ${to}
        ${input.unit !== undefined ? sql`and e.unit = ${input.unit}` : sql``}
    ) x
    group by grouping sets ((period, key, label, unit), (unit), ())
    order by level, period, label nulls last, key nulls last, unit
  `.execute(deps.db);
  const report: UsageReport = {
    groupBy: input.groupBy,
    period: input.period,
    from: from.toISOString(),
    to: to.toISOString(),
    rows: [],
    totals: [],
    total: { credits: 0, events: 0 },
  };
  for (const r of rows) {
    const numbers = { quantity: Number(r.quantity), credits: Number(r.credits), events: Number(r.events) };
    if (r.level === 0) {
      report.rows.push({
        period: r.period ?? "",
        key: r.key,
        label: r.label,
        unit: r.unit ?? "",
        ...numbers,
      });
    } else if (r.unit !== null) {
      report.totals.push({ unit: r.unit, ...numbers });
    } else {
      report.total = { credits: numbers.credits, events: numbers.events };
    }
  }
  return report;
}
