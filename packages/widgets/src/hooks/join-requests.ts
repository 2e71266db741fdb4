import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";

/** Organizations that suggest themselves to the signed-in person's confirmed address's domain. */
export function useJoinSuggestions() {
  const trpc = useTRPC();
  return useQuery(trpc.joinRequests.suggestions.queryOptions());
}

function useRefreshSuggestions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.joinRequests.suggestions.pathFilter());
}

export function useRequestToJoin() {
  const trpc = useTRPC();
  const refresh = useRefreshSuggestions();
  return useMutation(trpc.joinRequests.create.mutationOptions({ onSuccess: refresh }));
}

export function useWithdrawJoinRequest() {
  const trpc = useTRPC();
  const refresh = useRefreshSuggestions();
  return useMutation(trpc.joinRequests.withdraw.mutationOptions({ onSuccess: refresh }));
}

/** An organization's pending join requests (for people who may add members), newest first. */
export function usePendingJoinRequests(orgId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.joinRequests.list.queryOptions({ orgId, status: "pending" }), enabled });
}

/** After a decision: the requests, and the member list the approved person joins. */
function useRefreshRequests() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.joinRequests.list.pathFilter()),
      queryClient.invalidateQueries(trpc.members.list.pathFilter()),
    ]);
}

export function useApproveJoinRequest() {
  const trpc = useTRPC();
  const refresh = useRefreshRequests();
  return useMutation(trpc.joinRequests.approve.mutationOptions({ onSuccess: refresh }));
}

export function useRejectJoinRequest() {
  const trpc = useTRPC();
  const refresh = useRefreshRequests();
  return useMutation(trpc.joinRequests.reject.mutationOptions({ onSuccess: refresh }));
}
