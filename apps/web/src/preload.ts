import type { AppRouter } from "@roster/server";
import type { QueryClient } from "@tanstack/react-query";
import type { TRPCClient } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { match } from "./router";

/**
 * The usage charts' range, fixed once per visit (the last six months, to tomorrow): the same
 * value for the first load and for the charts, which would otherwise ask for a new range each time.
 */
export const usageRange = (() => {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1));
  return { from: from.toISOString(), to: new Date(now.getTime() + 86_400_000).toISOString() };
})();

/** The cluster list as the dashboard shows it. */
export const clusterListInput = (orgId: string) => ({ orgId, type: "cluster" as const, limit: 100 });

/**
 * Everything a signed-in page shows first, asked for in the same tick so that the client's batch
 * link sends it as one request: who is signed in and their organizations, and on an organization's
 * pages its name and the person's permissions; on its dashboard also the shared account, credits,
 * clusters, usage, pending invitations and organizations the person may ask to join. A part the person may not read comes back refused
 * within the same response and is never shown; everything else is in the cache before the pages
 * that read it mount, so they do not ask again.
 */
export function preloadFirstPage(
  client: TRPCClient<AppRouter>,
  queryClient: QueryClient,
  path: string,
): void {
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
  // Until the address is confirmed, the invitations answer EMAIL_NOT_VERIFIED; asking again each
  // time the banner mounts changes nothing (confirming it refreshes every query).
  queryClient.setQueryDefaults(trpc.invitations.mine.pathKey(), { retryOnMount: false });
  const publicPage =
    ["/sign-in", "/sign-up", "/forgot-password", "/dev/mailbox"].includes(path) ||
    /^\/(invite|link-account|verify-email|reset-password)\//.test(path);
  if (publicPage) return;
  const once = { retry: false } as const;
  void queryClient.prefetchQuery(trpc.auth.me.queryOptions(undefined, once));
  void queryClient.prefetchQuery(trpc.orgs.list.queryOptions(undefined, once));
  const orgId = (match("/orgs/:orgId", path) ?? match("/orgs/:orgId/:section", path))?.orgId;
  if (!orgId || !/^[0-9a-f-]{36}$/i.test(orgId)) return;
  void queryClient.prefetchQuery(trpc.orgs.permissions.queryOptions({ orgId }, once));
  if (match("/orgs/:orgId", path)) {
    void queryClient.prefetchQuery(trpc.orgs.get.queryOptions({ orgId }, once));
    void queryClient.prefetchQuery(trpc.invitations.mine.queryOptions(undefined, once));
    void queryClient.prefetchQuery(trpc.joinRequests.suggestions.queryOptions(undefined, once));
    void queryClient.prefetchQuery(trpc.settings.list.queryOptions({ orgId }, once));
    void queryClient.prefetchQuery(trpc.usage.balance.queryOptions({ orgId }, once));
    void queryClient.prefetchQuery(trpc.resources.list.queryOptions(clusterListInput(orgId), once));
    for (const groupBy of ["member", "organization"] as const) {
      void queryClient.prefetchQuery(
        trpc.usage.report.queryOptions({ orgId, groupBy, period: "month", ...usageRange }, once),
      );
    }
  }
}
