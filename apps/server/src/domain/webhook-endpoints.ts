import { randomBytes, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { Database, WebhookEndpoint } from "@roster/db";
import type { Kysely } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { isInternalName, isSpecialUseAddress } from "../outbox/addresses.js";
import { enqueueWebhook } from "../outbox/enqueue.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { findInOrg } from "./org-rows.js";
import { TEST_EVENT, type WebhookEvent } from "./webhook-events.js";

/** Webhook endpoints of an organization: where events go, which ones, signed with which secret. */

/** Endpoints per organization: each one is a share of the delivery worker's attention. */
export const MAX_ENDPOINTS_PER_ORG = 10;

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: string[];
  status: "active" | "disabled";
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

function toView(e: WebhookEndpoint): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    status: e.status,
    disabledReason: e.disabled_reason,
    disabledAt: e.disabled_at?.toISOString() ?? null,
    consecutiveFailures: e.consecutive_failures,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

const endpointNotFound = () =>
  notFound("WEBHOOK_NOT_FOUND", "This webhook endpoint does not exist in this organization.");

const generateSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

/**
 * In production an endpoint must be public https; elsewhere (development, tests) any http(s) URL.
 * This catches the obvious cases early; what a name resolves to is checked on every connection.
 */
function checkUrl(deps: Deps, raw: string): string {
  const url = new URL(raw);
  if (url.username || url.password) {
    throw badRequest("INVALID_WEBHOOK_URL", "Webhook URLs cannot contain a user name or password.");
  }
  if (deps.config.production) {
    if (url.protocol !== "https:") {
      throw badRequest("INVALID_WEBHOOK_URL", "Webhook URLs must use https.");
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) ? isSpecialUseAddress(host) : isInternalName(host)) {
      throw badRequest(
        "INVALID_WEBHOOK_URL",
        "Webhook URLs must point to a public address, not localhost or a private network.",
      );
    }
  }
  return url.toString();
}

export async function findEndpoint(
  db: Kysely<Database>,
  orgId: string,
  endpointId: string,
): Promise<WebhookEndpoint> {
  return findInOrg(db, "webhook_endpoints", orgId, endpointId, endpointNotFound);
}

export async function listEndpoints(deps: Deps, access: OrgAccess): Promise<WebhookEndpointView[]> {
  const rows = await deps.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("org_id", "=", access.orgId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toView);
}

export async function getEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<WebhookEndpointView> {
  return toView(await findEndpoint(deps.db, access.orgId, input.endpointId));
}

/** Creates an endpoint. The signing secret is returned here once (generated unless given). */
export async function createEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { url: string; events: string[]; description?: string | undefined; secret?: string | undefined },
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const url = checkUrl(deps, input.url);
  const secret = input.secret ?? generateSecret();
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    // The organization row is locked so that concurrent creates count one after another.
    await trx
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", access.orgId)
      .forUpdate()
      .executeTakeFirst();
    const { count } = await trx
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("org_id", "=", access.orgId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_ENDPOINTS_PER_ORG) {
      throw conflict(
        "WEBHOOK_LIMIT",
        `An organization can have at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints. Delete one you no longer use, or subscribe an existing one to more events.`,
        { limit: MAX_ENDPOINTS_PER_ORG },
      );
    }
    const row = await trx
      .insertInto("webhook_endpoints")
      .values({
        org_id: access.orgId,
        url,
        description: input.description ?? "",
        events: [...new Set(input.events)],
        secret_sealed: deps.sealer.seal(secret),
        status: "active",
        created_by: access.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "webhook.created", ["webhook", row.id], { url, events: row.events });
    return row;
  });
  return { endpoint: toView(row), secret };
}

/** Changes an endpoint. `enabled: true` turns a disabled endpoint back on and clears its failure count. */
export async function updateEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: {
    endpointId: string;
    url?: string | undefined;
    events?: string[] | undefined;
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
): Promise<WebhookEndpointView> {
  const url = input.url !== undefined ? checkUrl(deps, input.url) : undefined;
  const now = deps.clock();
  const row = await runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("webhook_endpoints")
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled === true
          ? { status: "active" as const, disabled_reason: null, disabled_at: null, consecutive_failures: 0 }
          : input.enabled === false
            ? { status: "disabled" as const, disabled_reason: "Disabled by a member.", disabled_at: now }
            : {}),
        updated_at: now,
      })
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordChange(trx, access, now, "webhook.updated", ["webhook", row.id], {
      changed: Object.keys(input).filter((k) => k !== "endpointId" && k !== "orgId"),
    });
    return row;
  });
  return toView(row);
}

/** A new signing secret, shown once; the old one stops working at once. */
export async function rotateEndpointSecret(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string; secret?: string | undefined },
): Promise<{ secret: string }> {
  const secret = input.secret ?? generateSecret();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("webhook_endpoints")
      .set({ secret_sealed: deps.sealer.seal(secret), updated_at: now })
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordChange(trx, access, now, "webhook.secret_rotated", ["webhook", row.id]);
  });
  return { secret };
}

export async function deleteEndpoint(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .deleteFrom("webhook_endpoints")
      .where("org_id", "=", access.orgId)
      .where("id", "=", input.endpointId)
      .returning(["id", "url"])
      .executeTakeFirst();
    if (!row) throw endpointNotFound();
    await recordChange(trx, access, now, "webhook.deleted", ["webhook", row.id], { url: row.url });
  });
}

/** Queues a `webhook.test` event for this endpoint alone (also when it is disabled, to check a fix). */
export async function sendTestEvent(
  deps: Deps,
  access: OrgAccess,
  input: { endpointId: string },
): Promise<{ eventId: string; deliveryId: string }> {
  const now = deps.clock();
  const endpoint = await findEndpoint(deps.db, access.orgId, input.endpointId);
  const event: WebhookEvent = {
    id: randomUUID(),
    type: TEST_EVENT,
    version: 1,
    createdAt: now.toISOString(),
    organization: { id: access.orgId },
    actor: { userId: access.actor.userId },
    target: { type: "webhook", id: endpoint.id },
    data: { message: "This is a test event from Roster." },
  };
  const deliveryId = randomUUID();
  await runTransaction(deps, async (trx) => {
    await enqueueWebhook(
      trx,
      `webhook:${event.id}:${endpoint.id}`,
      {
        orgId: access.orgId,
        endpointId: endpoint.id,
        deliveryId,
        eventId: event.id,
        event: TEST_EVENT,
        body: JSON.stringify(event),
      },
      now,
    );
    await recordChange(trx, access, now, "webhook.test_sent", ["webhook", endpoint.id], {
      eventId: event.id,
    });
  });
  deps.wakeOutbox();
  return { eventId: event.id, deliveryId };
}
