import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";

/** An organization's service accounts (members that are not people), with how many live keys each has. */
export function useServiceAccounts(orgId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.serviceAccounts.list.queryOptions({ orgId }));
}

/** One service account's API keys, masked (the secret is shown only when a key is created). */
export function useApiKeys(orgId: string, userId: string | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.serviceAccounts.keys.queryOptions({ orgId, userId: userId ?? "" }),
    enabled: userId !== null,
  });
}

function useRefreshServiceAccounts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.serviceAccounts.pathFilter()),
      queryClient.invalidateQueries(trpc.members.pathFilter()),
    ]);
}

export function useCreateServiceAccount() {
  const trpc = useTRPC();
  const refresh = useRefreshServiceAccounts();
  return useMutation(trpc.serviceAccounts.create.mutationOptions({ onSuccess: refresh }));
}

export function useDeleteServiceAccount() {
  const trpc = useTRPC();
  const refresh = useRefreshServiceAccounts();
  return useMutation(trpc.serviceAccounts.delete.mutationOptions({ onSuccess: refresh }));
}

/** Creates a key; the answer carries the whole key, once. */
export function useCreateApiKey() {
  const trpc = useTRPC();
  const refresh = useRefreshServiceAccounts();
  return useMutation(trpc.serviceAccounts.createKey.mutationOptions({ onSuccess: refresh }));
}

export function useRevokeApiKey() {
  const trpc = useTRPC();
  const refresh = useRefreshServiceAccounts();
  return useMutation(trpc.serviceAccounts.revokeKey.mutationOptions({ onSuccess: refresh }));
}
