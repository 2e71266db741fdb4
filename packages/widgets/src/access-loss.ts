import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { errorReason } from "./errors.js";

/** Why a person no longer reaches an organization they had open. */
export type AccessLoss = { orgId: string; reason: "MEMBERSHIP_DEACTIVATED" | "ORG_NOT_FOUND" };

const LOST = new Set(["MEMBERSHIP_DEACTIVATED", "ORG_NOT_FOUND"]);

/** The organization a tRPC query is about: its key is `[path, { input, type }]`. */
function orgOfKey(key: QueryKey): string | undefined {
  const input = (key[1] as { input?: { orgId?: unknown } } | undefined)?.input;
  return typeof input?.orgId === "string" ? input.orgId : undefined;
}

const isOrganizationList = (key: QueryKey) => {
  const path = key[0];
  return Array.isArray(path) && path[0] === "orgs" && path[1] === "list";
};

/**
 * When any call about an organization is refused because the person was deactivated or removed,
 * everything cached about that organization is dropped (so no stale data or buttons stay on
 * screen), the list of organizations is fetched again, and `onLoss` hears of it. Returns the
 * function that stops watching.
 */
export function watchAccessLoss(queryClient: QueryClient, onLoss?: (loss: AccessLoss) => void): () => void {
  const lost = (error: unknown, orgId: string | undefined) => {
    const reason = errorReason(error);
    if (!orgId || !reason || !LOST.has(reason)) return;
    // Only queries still holding data are reset: a reset one fails again without data, which ends here.
    void queryClient.resetQueries({
      predicate: (q) => orgOfKey(q.queryKey) === orgId && q.state.data !== undefined,
    });
    void queryClient.invalidateQueries({ predicate: (q) => isOrganizationList(q.queryKey) });
    onLoss?.({ orgId, reason: reason as AccessLoss["reason"] });
  };
  const stopQueries = queryClient.getQueryCache().subscribe((event) => {
    if (event.type === "updated" && event.action.type === "error") {
      lost(event.action.error, orgOfKey(event.query.queryKey));
    }
  });
  const stopMutations = queryClient.getMutationCache().subscribe((event) => {
    if (event.type === "updated" && event.action.type === "error") {
      const variables = event.mutation.state.variables as { orgId?: unknown } | undefined;
      lost(event.action.error, typeof variables?.orgId === "string" ? variables.orgId : undefined);
    }
  });
  return () => {
    stopQueries();
    stopMutations();
  };
}
