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

/** One organization the signed-in person belongs to: name, slug, metadata, seat limit, sign-in policy. */
export function useOrganization(orgId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.orgs.get.queryOptions({ orgId }), enabled });
}

/** Invalidates every view of organizations (the switcher's list, a profile, permissions). */
function useRefreshOrganizations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.orgs.pathFilter());
}

export function useUpdateOrganization() {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  return useMutation(trpc.orgs.update.mutationOptions({ onSuccess: refresh }));
}

/** Makes another active person an owner in one step (the caller needs `org:transfer`). */
export function useTransferOwnership() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshOrganizations();
  return useMutation(
    trpc.orgs.transferOwnership.mutationOptions({
      onSuccess: () => Promise.all([refresh(), queryClient.invalidateQueries(trpc.members.pathFilter())]),
    }),
  );
}

/** "Members must use two-factor sign-in"; turning it on needs the caller's own two-factor (MFA_REQUIRED). */
export function useSetTwoFactorPolicy() {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  return useMutation(trpc.orgs.setTwoFactorPolicy.mutationOptions({ onSuccess: refresh }));
}

/** Session lifetime, idle timeout and accepted sign-in methods (each null: no limit). */
export function useSetSignInPolicy() {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  return useMutation(trpc.orgs.setSignInPolicy.mutationOptions({ onSuccess: refresh }));
}

export function useDeleteOrganization() {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  return useMutation(trpc.orgs.delete.mutationOptions({ onSuccess: refresh }));
}

/** The signed-in person leaves; resources they own need `transferTo` (reason TRANSFER_REQUIRED). */
export function useLeaveOrganization() {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  return useMutation(trpc.members.leave.mutationOptions({ onSuccess: refresh }));
}
