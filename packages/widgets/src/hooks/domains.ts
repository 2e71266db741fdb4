import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";

/** An organization's domains, verified or not, each with the TXT record that proves it. */
export function useDomains(orgId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.domains.list.queryOptions({ orgId }), enabled });
}

function useRefreshDomains() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.domains.list.pathFilter());
}

export function useAddDomain() {
  const trpc = useTRPC();
  const refresh = useRefreshDomains();
  return useMutation(trpc.domains.add.mutationOptions({ onSuccess: refresh }));
}

export function useVerifyDomain() {
  const trpc = useTRPC();
  const refresh = useRefreshDomains();
  return useMutation(trpc.domains.verify.mutationOptions({ onSettled: refresh }));
}

export function useSetDomainEnrollment() {
  const trpc = useTRPC();
  const refresh = useRefreshDomains();
  return useMutation(trpc.domains.setEnrollment.mutationOptions({ onSuccess: refresh }));
}

export function useRemoveDomain() {
  const trpc = useTRPC();
  const refresh = useRefreshDomains();
  return useMutation(trpc.domains.remove.mutationOptions({ onSuccess: refresh }));
}
