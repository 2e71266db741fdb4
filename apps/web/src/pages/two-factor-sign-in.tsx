import { errorDetails } from "@roster/widgets";
import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from "@simplewebauthn/browser";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, ErrorNote, Field } from "../ui";

/** What the password step answers for an account with a second factor (TWO_FACTOR_REQUIRED). */
export interface PendingSignIn {
  pendingToken: string;
  methods: string[];
}

export function pendingSignIn(error: unknown): PendingSignIn | null {
  const details = errorDetails(error);
  if (typeof details?.pendingToken !== "string" || !Array.isArray(details.methods)) return null;
  return { pendingToken: details.pendingToken, methods: details.methods.map(String) };
}

/** The second step of signing in: a code from the authenticator app, a recovery code, or a passkey. */
export function SecondFactorStep({
  pending,
  lead = "Your password is right. Now confirm it is you.",
  onDone,
  onRestart,
}: {
  pending: PendingSignIn;
  /** What the first step proved (the password, or a provider's sign-in). */
  lead?: string | undefined;
  onDone: () => void;
  onRestart: () => void;
}) {
  const trpc = useTRPC();
  const [code, setCode] = useState("");
  const verify = useMutation(trpc.twoFactor.verifyCode.mutationOptions({ onSuccess: onDone }));
  const options = useMutation(trpc.twoFactor.passkeyOptions.mutationOptions());
  const verifyPasskey = useMutation(trpc.twoFactor.verifyPasskey.mutationOptions({ onSuccess: onDone }));
  const [passkeyError, setPasskeyError] = useState<string | null>(null);
  const signInWithPasskey = async () => {
    setPasskeyError(null);
    const { options: optionsJSON } = await options.mutateAsync({ pendingToken: pending.pendingToken });
    const response = await startAuthentication({
      optionsJSON: optionsJSON as PublicKeyCredentialRequestOptionsJSON,
    }).catch(() => null);
    if (!response) return setPasskeyError("The passkey was not used. Try again, or enter a code.");
    await verifyPasskey.mutateAsync({ pendingToken: pending.pendingToken, response });
  };
  const codes = pending.methods.includes("totp") || pending.methods.includes("recovery_code");
  return (
    <>
      <p>{lead}</p>
      {codes ? (
        <>
          <Field
            label="Authentication code"
            autoComplete="one-time-code"
            inputMode="text"
            required
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <ErrorNote error={verify.error} />
          <Button
            type="button"
            busy={verify.isPending}
            onClick={() => verify.mutate({ pendingToken: pending.pendingToken, code })}
          >
            Verify
          </Button>
        </>
      ) : null}
      {pending.methods.includes("passkey") ? (
        <>
          <ErrorNote error={options.error ?? verifyPasskey.error} />
          {passkeyError ? (
            <p className="error-note" role="alert">
              {passkeyError}
            </p>
          ) : null}
          <Button
            type="button"
            tone={codes ? "secondary" : "primary"}
            busy={options.isPending || verifyPasskey.isPending}
            onClick={() => void signInWithPasskey().catch(() => {})}
          >
            Use a passkey
          </Button>
        </>
      ) : null}
      <Button tone="secondary" onClick={onRestart}>
        Start over
      </Button>
    </>
  );
}

/** Signing in with a passkey alone: the browser offers the person's passkeys for this site. */
export function PasskeySignIn({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.passkeys.startSignIn.mutationOptions());
  const finish = useMutation(trpc.passkeys.finishSignIn.mutationOptions({ onSuccess: onDone }));
  const [cancelled, setCancelled] = useState(false);
  const signIn = async () => {
    setCancelled(false);
    const { challengeId, options } = await start.mutateAsync();
    const response = await startAuthentication({
      optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
    }).catch(() => null);
    if (!response) return setCancelled(true);
    await finish.mutateAsync({ challengeId, response });
  };
  return (
    <>
      <ErrorNote error={start.error ?? finish.error} />
      {cancelled ? (
        <p className="error-note" role="alert">
          No passkey was used. Try again, or sign in with your password.
        </p>
      ) : null}
      <Button
        type="button"
        tone="secondary"
        busy={start.isPending || finish.isPending}
        onClick={() => void signIn().catch(() => {})}
      >
        Sign in with a passkey
      </Button>
    </>
  );
}
