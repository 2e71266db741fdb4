import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";
import type { Permission } from "../types.js";

/** The organizations the signed-in person belongs to; `active` marks the one they last opened. */
export function useOrganizations() {
  const trpc = useTRPC();
  return useQuery(trpc.orgs.list.queryOptions());
}

/** The caller's role and effective permissions in one organization; `can("members:remove")`. */
export function usePermissions(orgId: string) {
  const trpc = useTRPC();
  const query = useQuery(trpc.orgs.permissions.queryOptions({ orgId }));
  const granted = query.data?.permissions;
  const can = (permission: Permission) => granted?.includes(permission) ?? false;
  return { ...query, can };
}

/** Built-in and custom roles of an organization. */
export function useRoles(orgId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.roles.list.queryOptions({ orgId }));
}

/** The signed-in person (a session or an embed token). */
export function useViewer() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions());
}

export function useSetActiveOrganization() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.orgs.setActive.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.orgs.list.pathFilter()),
    }),
  );
}

export function useCreateOrganization() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.orgs.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.orgs.list.pathFilter()),
    }),
  );
}
