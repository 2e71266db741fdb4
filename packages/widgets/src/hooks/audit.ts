import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";
import type { AuditEvent, AuditFilters, AuditPage, RosterInfiniteQuery } from "../types.js";
import { nextCursor } from "./members.js";

/** The organization's audit log, newest first, one keyset page at a time, narrowed by `filters`. */
export function useAuditLog(
  orgId: string,
  filters: AuditFilters = {},
  pageSize = 50,
): RosterInfiniteQuery<AuditPage> & { items: AuditEvent[] } {
  const trpc = useTRPC();
  const input = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as AuditFilters;
  const query = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(
      { orgId, limit: pageSize, ...input },
      { getNextPageParam: nextCursor },
    ),
    placeholderData: keepPreviousData,
  });
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [] };
}
