import { type AppRouter, createRosterClient } from "@roster/sdk";
import { type DehydratedState, dehydrate, type QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { memberListInput, nextCursor } from "./hooks/members.js";

/** Which widgets a page renders, so their first data can be loaded before the HTML is sent. */
export type WidgetToPrefetch =
  | { widget: "MemberList"; orgId: string; pageSize?: number }
  | { widget: "InviteForm"; orgId: string }
  | { widget: "AcceptBanner" }
  | { widget: "OrganizationSwitcher" };

export interface PrefetchOptions {
  /** Where Roster runs. */
  url: string;
  /** The person's session or embed token. */
  token?: string;
  /** The QueryClient the server render uses (one per request). */
  queryClient: QueryClient;
  widgets: WidgetToPrefetch[];
  fetch?: typeof fetch;
  /** Extra headers, e.g. the person's cookie when the host forwards a cookie session. */
  headers?: Record<string, string>;
}

/**
 * For hosts that render on the server: loads what the listed widgets show first into `queryClient`
 * and returns it dehydrated. Pass it to `<RosterProvider state={…}>` (rendered with the same
 * QueryClient on the server, and in the browser) and the first HTML already holds the data.
 * Failed queries are left out; the widget then loads them in the browser.
 */
export async function prefetchWidgets(options: PrefetchOptions): Promise<DehydratedState> {
  const client = createRosterClient({
    url: options.url,
    ...(options.token ? { token: options.token } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const queryClient = options.queryClient;
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
  const loads: Promise<unknown>[] = [];
  for (const target of options.widgets) {
    switch (target.widget) {
      case "MemberList":
        loads.push(
          queryClient.prefetchInfiniteQuery(
            trpc.members.list.infiniteQueryOptions(
              memberListInput(target.orgId, target.pageSize ? { pageSize: target.pageSize } : {}),
              { getNextPageParam: nextCursor },
            ),
          ),
          queryClient.prefetchQuery(trpc.orgs.permissions.queryOptions({ orgId: target.orgId })),
          queryClient.prefetchQuery(trpc.roles.list.queryOptions({ orgId: target.orgId })),
          queryClient.prefetchQuery(trpc.auth.me.queryOptions()),
        );
        break;
      case "InviteForm":
        loads.push(
          queryClient.prefetchQuery(trpc.orgs.permissions.queryOptions({ orgId: target.orgId })),
          queryClient.prefetchQuery(trpc.roles.list.queryOptions({ orgId: target.orgId })),
        );
        break;
      case "AcceptBanner":
        loads.push(queryClient.prefetchQuery(trpc.invitations.mine.queryOptions()));
        break;
      case "OrganizationSwitcher":
        loads.push(queryClient.prefetchQuery(trpc.orgs.list.queryOptions()));
        break;
    }
  }
  await Promise.all(loads);
  return dehydrate(queryClient);
}
