import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQueryClient,
} from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";
import type {
  MemberListInput,
  MemberListItem,
  MemberListPage,
  MemberStatus,
  RosterInfiniteQuery,
} from "../types.js";

export interface MemberFilters {
  /** Words that start words of a name or an email address ("chen", "example.com"). */
  search?: string;
  status?: MemberStatus;
  role?: string;
  /** Rows per page (default 50, at most 100). */
  pageSize?: number;
}

/**
 * The input of the member list query. The server prefetch and the widget both build it here, so a
 * prefetched page lands under the exact key the widget reads.
 */
export function memberListInput(orgId: string, filters: MemberFilters = {}): Omit<MemberListInput, "cursor"> {
  const search = filters.search?.trim();
  return {
    orgId,
    includeInvitations: true,
    limit: filters.pageSize ?? 50,
    ...(search ? { search } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.role ? { role: filters.role } : {}),
  };
}

export const nextCursor = (page: { nextCursor: string | null }) => page.nextCursor;

/** Members and pending invitations, newest first, one keyset page at a time (`fetchNextPage`). */
export function useMembers(
  orgId: string,
  filters: MemberFilters = {},
): RosterInfiniteQuery<MemberListPage> & { items: MemberListItem[] } {
  const trpc = useTRPC();
  const query = useInfiniteQuery({
    ...trpc.members.list.infiniteQueryOptions(memberListInput(orgId, filters), {
      getNextPageParam: nextCursor,
    }),
    // While the filters change, the previous rows stay on screen instead of a loading state.
    placeholderData: keepPreviousData,
  });
  const items: MemberListItem[] = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}

/** Invalidates every list that shows members or invitations. */
export function useRefreshMembers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.members.pathFilter()),
      queryClient.invalidateQueries(trpc.invitations.pathFilter()),
    ]);
}

export function useUpdateMemberRole() {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.members.updateRole.mutationOptions({ onSuccess: refresh }));
}

export function useDeactivateMember() {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.members.deactivate.mutationOptions({ onSuccess: refresh }));
}

export function useReactivateMember() {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.members.reactivate.mutationOptions({ onSuccess: refresh }));
}

/** Removes members, all or none; resources they own need `transferTo` (reason TRANSFER_REQUIRED). */
export function useRemoveMembers() {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
}

/**
 * The resources the given members own (a page of each), so the remove dialog can say up front what
 * someone takes over. Empty while loading, or when the viewer may not read resources.
 */
export function useOwnedResources(orgId: string, userIds: string[]) {
  const trpc = useTRPC();
  const results = useQueries({
    queries: userIds.map((ownerId) => ({
      ...trpc.resources.list.queryOptions({ orgId, ownerId, limit: 100 }),
      retry: false,
    })),
  });
  return {
    resources: results.flatMap((r) => r.data?.items ?? []),
    isPending: results.some((r) => r.isPending),
  };
}
