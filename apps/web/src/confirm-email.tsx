import { errorDetails } from "@roster/widgets";
import { useState } from "react";
import { useMutation } from "./mutation";
import { errorInfo, useTRPC } from "./trpc";
import { Button } from "./ui";

/** "in 42 minutes (at 14:05)": when a refused resend may be asked for again. */
export function retryWhen(retryAfterSeconds: number, now = new Date()): string {
  const at = new Date(now.getTime() + retryAfterSeconds * 1000);
  const clock = at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (retryAfterSeconds < 60) return `in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"} (at ${clock})`;
}

/**
 * The note an unconfirmed address gets, with "Send the link again" and its outcome next to the
 * button: sent, or refused with when it may be asked for again.
 */
export function ConfirmEmailNotice({ email }: { email: string }) {
  const trpc = useTRPC();
  const [outcome, setOutcome] = useState<string | null>(null);
  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onMutate: () => setOutcome(null),
      onSuccess: () => setOutcome(`We sent a new confirmation link to ${email}.`),
      onError: (error) => {
        const { reason, message } = errorInfo(error);
        const after = errorDetails(error)?.retryAfterSeconds;
        setOutcome(
          reason === "RATE_LIMITED" && typeof after === "number"
            ? `We already sent several links in the last hour. You can ask again ${retryWhen(after)}.`
            : message,
        );
      },
    }),
  );
  return (
    <div className="notice row" role="note" aria-label="Confirm your email">
      <span>Confirm {email} to see invitations sent to it. Check your inbox for the link.</span>
      <Button tone="secondary" busy={resend.isPending} onClick={() => resend.mutate()}>
        Send the link again
      </Button>
      <span role="status" className="muted">
        {outcome}
      </span>
    </div>
  );
}
