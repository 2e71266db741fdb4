import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.js";

/** Whether the signed-in person has two-factor sign-in: an authenticator app, passkeys, recovery codes left. */
export function useTwoFactorStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.twoFactor.status.queryOptions());
}

function useRefreshTwoFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.twoFactor.status.pathFilter());
}

/** Starts setting up an authenticator app: its secret, `otpauth:` link and QR code. */
export function useStartTotp() {
  const trpc = useTRPC();
  return useMutation(trpc.twoFactor.startTotp.mutationOptions());
}

/** Confirms the authenticator app with its current code; answers the ten recovery codes, shown once. */
export function useConfirmTotp() {
  const trpc = useTRPC();
  const refresh = useRefreshTwoFactor();
  return useMutation(trpc.twoFactor.confirmTotp.mutationOptions({ onSuccess: refresh }));
}

export function useDisableTotp() {
  const trpc = useTRPC();
  const refresh = useRefreshTwoFactor();
  return useMutation(trpc.twoFactor.disableTotp.mutationOptions({ onSuccess: refresh }));
}

export function useRegenerateRecoveryCodes() {
  const trpc = useTRPC();
  const refresh = useRefreshTwoFactor();
  return useMutation(trpc.twoFactor.regenerateRecoveryCodes.mutationOptions({ onSuccess: refresh }));
}

/** The signed-in person's sessions that have not ended, most recently used first. */
export function useSessions(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.sessions.queryOptions(), enabled });
}

function useRefreshSessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
}

export function useRevokeSession() {
  const trpc = useTRPC();
  const refresh = useRefreshSessions();
  return useMutation(trpc.auth.revokeSession.mutationOptions({ onSettled: refresh }));
}

export function useRevokeOtherSessions() {
  const trpc = useTRPC();
  const refresh = useRefreshSessions();
  return useMutation(trpc.auth.revokeOtherSessions.mutationOptions({ onSuccess: refresh }));
}

/** The signed-in person's passkeys: name, when added, when last used. */
export function usePasskeys(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.passkeys.list.queryOptions(), enabled });
}

function useRefreshPasskeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.passkeys.list.pathFilter()),
      queryClient.invalidateQueries(trpc.twoFactor.status.pathFilter()),
    ]);
}

export function useStartPasskeyRegistration() {
  const trpc = useTRPC();
  return useMutation(trpc.passkeys.startRegistration.mutationOptions());
}

export function useFinishPasskeyRegistration() {
  const trpc = useTRPC();
  const refresh = useRefreshPasskeys();
  return useMutation(trpc.passkeys.finishRegistration.mutationOptions({ onSuccess: refresh }));
}

export function useRenamePasskey() {
  const trpc = useTRPC();
  const refresh = useRefreshPasskeys();
  return useMutation(trpc.passkeys.rename.mutationOptions({ onSuccess: refresh }));
}

export function useRemovePasskey() {
  const trpc = useTRPC();
  const refresh = useRefreshPasskeys();
  return useMutation(trpc.passkeys.remove.mutationOptions({ onSettled: refresh }));
}

/** Changes the password with the current one; other sessions end, this one stays. */
export function useChangePassword() {
  const trpc = useTRPC();
  const refresh = useRefreshSessions();
  return useMutation(trpc.auth.changePassword.mutationOptions({ onSuccess: refresh }));
}

/** The Google, GitHub and Microsoft identities linked to the signed-in person's account. */
export function useIdentities(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.identities.queryOptions(), enabled });
}

/** The providers this Roster offers (configured with a client ID and secret). */
export function useSocialProviders(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.socialProviders.queryOptions(), enabled });
}

/** Starts linking a provider: answers the provider's page to send the browser to. */
export function useLinkIdentity() {
  const trpc = useTRPC();
  return useMutation(trpc.auth.linkIdentity.mutationOptions());
}

export function useUnlinkIdentity() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.unlinkIdentity.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.auth.identities.pathFilter()),
    }),
  );
}
