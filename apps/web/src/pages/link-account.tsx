import { useQuery } from "@tanstack/react-query";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { AuthCard, Button, ErrorNote, Loading } from "../ui";

/**
 * `/link-account/:token`: a product asked to act as this Roster account. The emailed link proves the
 * address; the person sees which product asks and confirms before the link is made.
 */
export function LinkAccountPage({ token }: { token: string }) {
  const trpc = useTRPC();
  const preview = useQuery(trpc.embed.previewLink.queryOptions({ token }, { retry: false }));
  const connect = useMutation(trpc.embed.completeLink.mutationOptions());
  const linked = connect.data;
  return (
    <AuthCard id="link-title" title="Connect your account">
      {preview.isPending ? <Loading /> : null}
      <ErrorNote error={preview.error} />
      {preview.data && !linked ? (
        <>
          <p>
            <strong>{preview.data.host}</strong> asks to use your Roster account ({preview.data.email}) for
            you. It will see your organizations and act in them as you.
          </p>
          <Button busy={connect.isPending} onClick={() => connect.mutate({ token })}>
            Connect to {preview.data.host}
          </Button>
          <ErrorNote error={connect.error} />
        </>
      ) : null}
      {linked ? (
        <p role="status">
          Your account is connected to {linked.host}.{" "}
          {linked.redirectUrl ? <a href={linked.redirectUrl}>Continue to {linked.host}</a> : null}
        </p>
      ) : null}
    </AuthCard>
  );
}
