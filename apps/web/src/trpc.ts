import type { AppRouter } from "@roster/server";
import { defaultMessages, errorReason, type WidgetErrorReason } from "@roster/widgets";
import { QueryClient, useQuery } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

type Context = ReturnType<typeof createTRPCContext<AppRouter>>;
const context: Context = createTRPCContext<AppRouter>();
export const TRPCProvider: Context["TRPCProvider"] = context.TRPCProvider;
export const useTRPC: Context["useTRPC"] = context.useTRPC;

/** Same origin as the API: the session cookie does the authentication. */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/trpc", maxItems: 20 })],
});

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) =>
          count < 2 && !(error instanceof TRPCClientError && error.data?.httpStatus < 500),
      },
    },
  });
}

/** The reason and sentence of a Roster error, for messages and branching (reasons typed as the widgets'). */
export function errorInfo(error: unknown): { reason: WidgetErrorReason | undefined; message: string } {
  const reason = errorReason(error);
  if (error instanceof TRPCClientError && reason !== "NETWORK") return { reason, message: error.message };
  return { reason: "NETWORK", message: defaultMessages.NETWORK };
}

/** `can("members:invite")` for the signed-in person in one organization. */
export function useCan(orgId: string): (permission: string) => boolean {
  const trpc = useTRPC();
  const perms = useQuery(trpc.orgs.permissions.queryOptions({ orgId }));
  const granted: readonly string[] = perms.data?.permissions ?? [];
  return (permission) => granted.includes(permission);
}
