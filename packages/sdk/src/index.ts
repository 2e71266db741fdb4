import type { RosterErrorReason } from "@roster/reasons";
import type { AppRouter } from "@roster/server";
import { createTRPCClient, httpBatchLink, type TRPCClient, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

// The event catalogue's types; its payload schemas (zod) are at `@roster/sdk/events`, so a client
// that never parses events (the widgets) loads no schema code.
export type { EventData, EventMember, EventType, RosterEvent } from "@roster/events";
// The reasons live in a dependency-free package, so the SDK never loads server code.
export {
  isEmailAddress,
  isRosterErrorReason,
  ROSTER_ERROR_REASONS,
  ROSTER_ERROR_STATUS,
  type RosterErrorReason,
  type RosterErrorReasonWithStatus,
} from "@roster/reasons";
export { catchUpEvents, type EventSource, type FollowEventsOptions, followEvents } from "./events.js";
export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RosterClient = TRPCClient<AppRouter>;

/** What an embed token may do: `embed.createToken({ externalUserId, email, name, scopes, orgId })`. */
export type EmbedScope = NonNullable<RouterInputs["embed"]["createToken"]["scopes"]>[number];
/** A host's pages and allowed redirect URLs, as `host.get` and `host.update` answer them. */
export type HostLinks = RouterOutputs["host"]["update"];
/** What an invitation link shows before it is accepted (`invitations.preview`). */
export type InvitationPreview = RouterOutputs["invitations"]["preview"];

/**
 * The invitation token in a URL a host's page was opened with: the path segment that replaced
 * `{token}` in its accept-invitation template, or the `token` query parameter a redirect URL gets.
 */
export function invitationTokenFrom(url: string | URL, template?: string): string | null {
  const parsed = new URL(url);
  const query = parsed.searchParams.get("token");
  if (query) return query;
  if (!template) return null;
  const [before = "", after = ""] = new URL(template.replace("{token}", "__token__")).pathname.split(
    "__token__",
  );
  const path = parsed.pathname;
  if (!path.startsWith(before) || !path.endsWith(after)) return null;
  const token = decodeURIComponent(path.slice(before.length, path.length - after.length));
  return /^[A-Za-z0-9_-]+$/.test(token) ? token : null;
}

export interface RosterClientOptions {
  /** Where Roster runs, e.g. `https://roster.example.com` (the client calls `<url>/trpc`). */
  url: string;
  /** A session or embed token, sent as `Authorization: Bearer …`. A function is asked on every request. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /**
   * A service account's API key (`rk_…`), sent as a bearer token when no `token` is given. It can
   * call every procedure that takes the `orgId` of the service account's organization.
   */
  apiKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Browser cookie mode: `include` sends the session cookie to another origin. */
  credentials?: RequestInit["credentials"];
}

/** A fully typed client for every Roster procedure: `roster.orgs.create.mutate({ name })`. */
export function createRosterClient(options: RosterClientOptions): RosterClient {
  const baseFetch = options.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        // The server accepts at most 20 calls per request (MAX_BATCH_CALLS); larger bursts are split.
        maxItems: 20,
        url: `${options.url.replace(/\/+$/, "")}/trpc`,
        async headers() {
          const extra =
            typeof options.headers === "function" ? await options.headers() : (options.headers ?? {});
          const token =
            (typeof options.token === "function" ? await options.token() : options.token) ?? options.apiKey;
          return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
        },
        fetch: options.credentials
          ? (input, init) => baseFetch(input, { ...init, credentials: options.credentials })
          : baseFetch,
      }),
    ],
  });
}

interface RosterErrorData {
  code: string;
  httpStatus: number;
  reason: RosterErrorReason;
  path?: string;
  details?: Record<string, unknown>;
  issues?: { path: string[]; message: string }[];
}

export type RosterClientError = TRPCClientError<AppRouter> & { data: RosterErrorData };

/**
 * Whether `error` came from Roster, and (with `reason`) whether it is that one:
 * `if (isRosterError(e, "LAST_OWNER")) …`. Every Roster error has a stable `data.reason`.
 */
export function isRosterError(error: unknown, reason?: RosterErrorReason): error is RosterClientError {
  if (!(error instanceof TRPCClientError)) return false;
  const data = (error as TRPCClientError<AppRouter>).data as RosterErrorData | undefined;
  if (!data || typeof data.reason !== "string") return false;
  return reason === undefined || data.reason === reason;
}

/** The stable reason of a Roster error, or undefined for anything else. */
export function rosterErrorReason(error: unknown): RosterErrorReason | undefined {
  return isRosterError(error) ? error.data.reason : undefined;
}
