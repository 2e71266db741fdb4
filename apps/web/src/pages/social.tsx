import { defaultMessages, type WidgetErrorReason } from "@roster/widgets";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/**
 * "Continue with Google/GitHub/Microsoft" on the sign-in and sign-up pages: one link per provider
 * this deployment configured (none configured, nothing shown). The server sends the browser to the
 * provider and back; a refusal comes back as `?social_error=<reason>`.
 */

const query = () => new URLSearchParams(window.location.search);

/** The sentence for a `social_error` the server sent the browser back with. */
export function socialErrorMessage(): string | null {
  const reason = query().get("social_error");
  if (!reason) return null;
  return (
    defaultMessages[reason as WidgetErrorReason] ??
    "Signing in with the provider did not complete. Try again."
  );
}

export function ContinueWithProviders() {
  const trpc = useTRPC();
  const providers = useQuery(trpc.auth.socialProviders.queryOptions());
  const next = query().get("next");
  const returnTo =
    next?.startsWith("/") && !next.startsWith("//") ? `?returnTo=${encodeURIComponent(next)}` : "";
  const refused = socialErrorMessage();
  if (!providers.data?.length && !refused) return null;
  return (
    <>
      {refused ? (
        <p className="error-note" role="alert">
          {refused}
        </p>
      ) : null}
      {providers.data?.map((p) => (
        <a key={p.id} className="button button-secondary" href={`${p.startPath}${returnTo}`}>
          Continue with {p.name}
        </a>
      ))}
    </>
  );
}
