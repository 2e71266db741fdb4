import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "../mutation";
import { Link, useRouter } from "../router";
import { errorInfo, useTRPC } from "../trpc";
import { Button, ErrorNote, Loading, useToast } from "../ui";

const closed: Record<string, { title: string; body: string }> = {
  expired: { title: "This invitation has expired", body: "Ask the person who invited you to send it again." },
  revoked: {
    title: "This invitation was withdrawn",
    body: "It can no longer be used. Ask the organization for a new one.",
  },
  accepted: {
    title: "This invitation was already used",
    body: "It has been accepted. Sign in to open the organization.",
  },
  declined: {
    title: "This invitation was declined",
    body: "Ask the organization for a new one if you changed your mind.",
  },
};

/** `/invite/:token`: who invites you to what, then sign in or sign up with that email, then accept. */
export function InvitePage({ token }: { token: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const preview = useQuery(trpc.invitations.preview.queryOptions({ token }, { retry: false }));
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false }));
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: async ({ orgId }) => {
        toast("success", `You joined ${preview.data?.organization.name}.`);
        await queryClient.invalidateQueries();
        navigate(`/orgs/${orgId}`);
      },
    }),
  );
  const decline = useMutation(
    trpc.invitations.declineLink.mutationOptions({
      onSuccess: async () => {
        toast("success", "You declined the invitation.");
        await queryClient.invalidateQueries(trpc.invitations.preview.pathFilter());
      },
    }),
  );
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );

  if (preview.isPending || me.isPending) {
    return (
      <main className="auth-page">
        <Loading />
      </main>
    );
  }
  if (preview.error) {
    return (
      <main className="auth-page">
        <section className="card auth-card" aria-labelledby="invite-title">
          <h1 id="invite-title">This invitation link is not valid</h1>
          <p>{errorInfo(preview.error).message}</p>
          <Link href="/">Go to Roster</Link>
        </section>
      </main>
    );
  }
  const inv = preview.data;
  const state = closed[inv.status];
  const here = `/invite/${token}`;
  const query = new URLSearchParams({ email: inv.email, next: here }).toString();
  const signedIn = me.data?.user;
  const sameEmail = signedIn && signedIn.email.toLowerCase() === inv.email.toLowerCase();

  return (
    <main className="auth-page">
      <section className="card auth-card invite-card" aria-labelledby="invite-title" data-status={inv.status}>
        {state ? (
          <>
            <h1 id="invite-title">{state.title}</h1>
            <p>{state.body}</p>
            <Link href="/">Go to Roster</Link>
          </>
        ) : (
          <>
            <h1 id="invite-title">Join {inv.organization.name}</h1>
            <p>
              {inv.inviter ? `${inv.inviter.name} invited` : "You are invited as"}{" "}
              <strong>{inv.email}</strong> {inv.inviter ? "to join" : "in"}{" "}
              <strong>{inv.organization.name}</strong> as {inv.roleName.toLowerCase()}.
            </p>
            {sameEmail ? (
              <>
                <ErrorNote error={accept.error} />
                <Button busy={accept.isPending} onClick={() => accept.mutate({ token })}>
                  Accept invitation
                </Button>
              </>
            ) : signedIn ? (
              <>
                <p className="error-note" role="alert">
                  You are signed in as {signedIn.email}, but this invitation is for {inv.email}. Sign out,
                  then sign in with that address.
                </p>
                <Button tone="secondary" busy={signOut.isPending} onClick={() => signOut.mutate()}>
                  Sign out
                </Button>
              </>
            ) : inv.accountExists ? (
              <Link className="button button-primary" href={`/sign-in?${query}`}>
                Sign in as {inv.email} to accept
              </Link>
            ) : (
              <Link className="button button-primary" href={`/sign-up?${query}`}>
                Create your account to accept
              </Link>
            )}
            <ErrorNote error={decline.error} />
            <Button tone="secondary" busy={decline.isPending} onClick={() => decline.mutate({ token })}>
              Decline
            </Button>
          </>
        )}
      </section>
    </main>
  );
}
