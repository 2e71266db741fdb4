import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";

/** The organization's identity provider connection and the values to paste into the provider. */
export function useSsoConnection(orgId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.sso.get.queryOptions({ orgId }), enabled });
}

function useRefreshSso() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.sso.get.pathFilter());
}

export function useConfigureSso() {
  const trpc = useTRPC();
  return useMutation(trpc.sso.configure.mutationOptions({ onSuccess: useRefreshSso() }));
}

export function useSetSsoEnforcement() {
  const trpc = useTRPC();
  return useMutation(trpc.sso.setEnforcement.mutationOptions({ onSuccess: useRefreshSso() }));
}

export function useTestSso() {
  const trpc = useTRPC();
  return useMutation(trpc.sso.test.mutationOptions());
}

export function useDeleteSso() {
  const trpc = useTRPC();
  return useMutation(trpc.sso.delete.mutationOptions({ onSuccess: useRefreshSso() }));
}

/** SCIM: the base URL, tokens (masked), the provisioned members' role and group → role mappings. */
export function useScimSettings(orgId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.scim.get.queryOptions({ orgId }), enabled });
}

function useRefreshScim() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.scim.get.pathFilter());
}

export function useCreateScimToken() {
  const trpc = useTRPC();
  return useMutation(trpc.scim.createToken.mutationOptions({ onSuccess: useRefreshScim() }));
}

export function useRevokeScimToken() {
  const trpc = useTRPC();
  return useMutation(trpc.scim.revokeToken.mutationOptions({ onSuccess: useRefreshScim() }));
}

export function useSetScimDefaultRole() {
  const trpc = useTRPC();
  return useMutation(trpc.scim.setDefaultRole.mutationOptions({ onSuccess: useRefreshScim() }));
}

export function useMapScimGroupRole() {
  const trpc = useTRPC();
  return useMutation(trpc.scim.mapGroupRole.mutationOptions({ onSuccess: useRefreshScim() }));
}
