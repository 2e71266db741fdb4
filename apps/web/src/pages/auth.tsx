import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useMutation } from "../mutation";
import { Link, useRouter } from "../router";
import { useTRPC } from "../trpc";
import { AuthCard, Button, ErrorNote, Field, formErrors, Loading, useToast } from "../ui";
import { ContinueWithProviders } from "./social";
import { ContinueWithSso } from "./sso";
import { PasskeySignIn, type PendingSignIn, pendingSignIn, SecondFactorStep } from "./two-factor-sign-in";

function useAfterSignIn() {
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  return async (next: string) => {
    await queryClient.invalidateQueries();
    navigate(next, true);
  };
}

const nextFromQuery = () => new URLSearchParams(window.location.search).get("next") ?? "/";
const emailFromQuery = () => new URLSearchParams(window.location.search).get("email") ?? "";

/**
 * After Google, GitHub or Microsoft, an account with a second factor lands here with its pending
 * sign-in in the fragment (`#two_factor=…&methods=…`), which never reaches a server or a log.
 */
function pendingFromFragment(): PendingSignIn | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const pendingToken = fragment.get("two_factor");
  if (!pendingToken) return null;
  return { pendingToken, methods: (fragment.get("methods") ?? "").split(",").filter(Boolean) };
}

export function SignIn() {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const [email, setEmail] = useState(emailFromQuery);
  const [password, setPassword] = useState("");
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: () => done(nextFromQuery()) }));
  const submit = () => signIn.mutate({ email, password });
  const [fromProvider, setFromProvider] = useState(pendingFromFragment);
  // An account with a second factor: the password step answers a pending sign-in to finish.
  const pending = pendingSignIn(signIn.error) ?? fromProvider;
  if (pending) {
    const restart = () => {
      setFromProvider(null);
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      signIn.reset();
    };
    return (
      <AuthCard id="sign-in-title" title="Two-factor sign-in">
        <SecondFactorStep
          pending={pending}
          lead={fromProvider ? "You signed in with your provider. Now confirm it is you." : undefined}
          onDone={() => done(nextFromQuery())}
          onRestart={restart}
        />
      </AuthCard>
    );
  }
  return (
    <AuthCard id="sign-in-title" title="Sign in to Roster" onSubmit={submit}>
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorNote error={signIn.error} />
      <Button type="submit" busy={signIn.isPending}>
        Sign in
      </Button>
      <ContinueWithSso email={email} />
      <PasskeySignIn onDone={() => done(nextFromQuery())} />
      <ContinueWithProviders />
      <p className="auth-links">
        <Link href={`/sign-up${window.location.search}`}>Create an account</Link> ·{" "}
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthCard>
  );
}

export function SignUp() {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(emailFromQuery);
  const [password, setPassword] = useState("");
  // Reached from an invitation (`next` is its page): name the organization, and sign up through it.
  const invitationToken = /^\/invite\/([A-Za-z0-9_-]{16,200})$/.exec(nextFromQuery())?.[1];
  const invitation = useQuery(
    trpc.invitations.preview.queryOptions(
      { token: invitationToken ?? "" },
      { enabled: !!invitationToken, retry: false },
    ),
  );
  const joining = invitation.data?.status === "pending" ? invitation.data.organization.name : null;
  const signUp = useMutation(trpc.auth.signUp.mutationOptions({ onSuccess: () => done(nextFromQuery()) }));
  const submit = () =>
    signUp.mutate({ name, email, password, ...(joining && invitationToken ? { invitationToken } : {}) });
  const errors = formErrors(signUp.error, ["name", "email", "password"], { EMAIL_TAKEN: "email" });
  return (
    <AuthCard
      id="sign-up-title"
      title={joining ? `Create your account to join ${joining}` : "Create your account"}
      onSubmit={submit}
    >
      <Field
        label="Name"
        autoComplete="name"
        required
        maxLength={100}
        error={errors.field("name")}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        error={errors.field("email")}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        maxLength={256}
        error={errors.field("password")}
        required
        minLength={8}
        hint="At least 8 characters."
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {errors.other ? (
        <p className="error-note" role="alert">
          {errors.other}
        </p>
      ) : null}
      <Button type="submit" busy={signUp.isPending}>
        Create account
      </Button>
      {joining ? null : <ContinueWithProviders />}
      <p className="auth-links">
        Already have an account? <Link href={`/sign-in${window.location.search}`}>Sign in</Link>
      </p>
    </AuthCard>
  );
}

export function ForgotPassword() {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  return (
    <AuthCard id="forgot-title" title="Reset your password" onSubmit={() => request.mutate({ email })}>
      {request.isSuccess ? (
        <p role="status">
          If an account uses {email}, we sent it a link to choose a new password. It works for one hour.
        </p>
      ) : (
        <>
          <Field
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <ErrorNote error={request.error} />
          <Button type="submit" busy={request.isPending}>
            Send reset link
          </Button>
        </>
      )}
      <p className="auth-links">
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}

export function ResetPassword({ token }: { token: string }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  return (
    <AuthCard
      id="reset-title"
      title="Choose a new password"
      onSubmit={() => reset.mutate({ token, password })}
    >
      {reset.isSuccess ? (
        <p role="status">
          Your password is changed and every other session was signed out.{" "}
          <Link href="/sign-in">Sign in</Link>
        </p>
      ) : (
        <>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorNote error={reset.error} />
          <Button type="submit" busy={reset.isPending}>
            Save password
          </Button>
        </>
      )}
    </AuthCard>
  );
}

export function VerifyEmail({ token }: { token: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: () => {
        toast("success", "Your email address is confirmed.");
        void queryClient.invalidateQueries();
      },
    }),
  );
  const { mutate } = verify;
  useEffect(() => mutate({ token }), [mutate, token]);
  return (
    <AuthCard id="verify-title" title="Confirm your email">
      {verify.isPending ? <Loading label="Confirming…" /> : null}
      {verify.isSuccess ? (
        <p role="status">
          {verify.data.user.email} is confirmed. <Link href="/">Continue</Link>
        </p>
      ) : null}
      <ErrorNote error={verify.error} />
    </AuthCard>
  );
}
