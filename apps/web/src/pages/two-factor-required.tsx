import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "../mutation";
import { useRouter } from "../router";
import { useTRPC } from "../trpc";
import { AuthCard, Button } from "../ui";
import { PasskeySettings, TwoFactorSettings } from "./account-security";

/**
 * A member of an organization that requires two-factor, in a session without it, is held here
 * until they set up an authenticator app or a passkey (or, if they have one, sign in again with it).
 */
export function TwoFactorRequired({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        navigate("/sign-in", true);
      },
    }),
  );
  const enrolledElsewhere = status.data?.enabled && !status.data.sessionTwoFactor;
  return (
    <AuthCard id="two-factor-required-title" title={`${name} requires two-factor sign-in`}>
      {enrolledElsewhere ? (
        <p>
          Your account has two-factor sign-in, but this session was started without it. Sign out and sign in
          again with your code or passkey.
        </p>
      ) : (
        <>
          <p>Set up an authenticator app or a passkey to continue. It takes a minute.</p>
          <TwoFactorSettings />
          <PasskeySettings />
        </>
      )}
      <Button tone="secondary" busy={signOut.isPending} onClick={() => signOut.mutate()}>
        Sign out
      </Button>
    </AuthCard>
  );
}
