import type { EventType, RosterEvent } from "@roster/events";
import type { AppRouter } from "@roster/server";
import type { TRPCClient } from "@trpc/client";

/** Where to read events from: one organization (a session or API key) or all (a host key). */
export interface EventSource {
  /** With a member's session or a service account's API key: that organization's events. */
  orgId?: string;
  /** With a host key: read across organizations (`events.listAll`), or only `orgId`'s. */
  host?: boolean;
  types?: EventType[];
  /** Events per request (default 100, at most 500). */
  limit?: number;
}

export interface FollowEventsOptions extends EventSource {
  /**
   * Where to start: a cursor saved from `onCursor`, or the id of the last event you processed (for
   * example from a webhook). Omitted: from the oldest event the feed keeps.
   */
  after?: string | null;
  /**
   * Called for each event, in order. Delivery is at least once: after a crash, events after the
   * last saved cursor come again, so make this idempotent by `event.id`.
   */
  onEvent(event: RosterEvent): void | Promise<void>;
  /** Called after each page whose events were all handled: save it to resume from. */
  onCursor?(cursor: string): void | Promise<void>;
  /** Pause between reads once caught up (default 1000 ms). */
  pollMs?: number;
  /** Stops following. */
  signal?: AbortSignal;
}

type Client = Pick<TRPCClient<AppRouter>, "events">;

/** Ids handed over recently: a page read again (after an error) does not hand them over twice. */
const REMEMBERED = 10_000;

async function readPages(
  client: Client,
  options: FollowEventsOptions,
  start: string | null,
  seen: Set<string>,
  untilCaughtUp: boolean,
): Promise<string | null> {
  let cursor = start;
  for (;;) {
    if (options.signal?.aborted) return cursor;
    const input = {
      ...(cursor ? { after: cursor } : {}),
      ...(options.types ? { types: options.types } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    };
    const page = options.host
      ? await client.events.listAll.query({ ...input, ...(options.orgId ? { orgId: options.orgId } : {}) })
      : await client.events.list.query({ ...input, orgId: requireOrgId(options) });
    for (const event of page.events as RosterEvent[]) {
      if (seen.has(event.id)) continue;
      await options.onEvent(event);
      seen.add(event.id);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value as string);
    }
    if (page.cursor && page.cursor !== cursor) {
      cursor = page.cursor;
      await options.onCursor?.(cursor);
    }
    if (page.events.length === 0) {
      if (untilCaughtUp) return cursor;
      await pause(options.pollMs ?? 1000, options.signal);
    }
  }
}

function requireOrgId(options: EventSource): string {
  if (!options.orgId) throw new Error("Give orgId, or host: true to read with a host key.");
  return options.orgId;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Reads the events feed from `after` until it is caught up, handing each event to `onEvent`;
 * resolves to the cursor to resume from.
 */
export function catchUpEvents(client: Client, options: FollowEventsOptions): Promise<string | null> {
  return readPages(client, options, options.after ?? null, new Set(), true);
}

/**
 * Follows the events feed from `after` until `signal` aborts: reads what is there, then polls
 * every `pollMs`. Resolves to the last cursor. An error (network, server) rejects: call again
 * with the saved cursor.
 */
export function followEvents(client: Client, options: FollowEventsOptions): Promise<string | null> {
  return readPages(client, options, options.after ?? null, new Set(), false);
}
