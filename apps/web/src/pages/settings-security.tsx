import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, ErrorNote, Field, FormNote, formErrors, useToast } from "../ui";

/** The organization policy "members must use two-factor sign-in". */
export function TwoFactorPolicy({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  const set = useMutation(
    trpc.orgs.setTwoFactorPolicy.mutationOptions({
      onSuccess: ({ requireTwoFactor }) => {
        toast(
          "success",
          requireTwoFactor
            ? "Members now need two-factor sign-in."
            : "Members no longer need two-factor sign-in.",
        );
        void queryClient.invalidateQueries({ queryKey: trpc.orgs.pathKey() });
      },
    }),
  );
  if (!org.data) return null;
  return (
    <section className="card stack" aria-labelledby="security-policy-title">
      <h2 id="security-policy-title">Two-factor sign-in</h2>
      <label className="check">
        <input
          type="checkbox"
          disabled={!canEdit || set.isPending}
          checked={set.isPending && set.variables ? set.variables.required : org.data.requireTwoFactor}
          onChange={(e) => set.mutate({ orgId, required: e.target.checked })}
        />{" "}
        Members must use two-factor sign-in
      </label>
      <p className="muted">
        Members without an authenticator app or a passkey are asked to set one up before they can do anything
        in this organization. Turn on two-factor for your own account first.
      </p>
      <ErrorNote error={set.error} />
    </section>
  );
}

const METHODS = [
  ["password", "Password"],
  ["passkey", "Passkey"],
  ["sso", "Single sign-on"],
  ["google", "Google"],
  ["github", "GitHub"],
  ["microsoft", "Microsoft"],
] as const;
type Method = (typeof METHODS)[number][0];

/** A limit as typed: empty is none, a whole number is minutes, anything else is not a limit. */
const minutes = (text: string): number | null | "invalid" =>
  text.trim() === "" ? null : /^\d+$/.test(text.trim()) ? Number(text.trim()) : "invalid";
const NOT_MINUTES = "Enter a whole number of minutes, or leave it empty for no limit.";

/**
 * The organization's sign-in policy: how long a session may act here after signing in, how long it
 * may pause, and the ways of signing in accepted. Empty limits and every method ticked: no policy.
 */
export function SignInPolicy({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  if (!org.data) return null;
  const key = `${org.data.sessionMaxAgeMinutes}:${org.data.idleTimeoutMinutes}:${org.data.allowedSignInMethods}`;
  return <SignInPolicyForm key={key} orgId={orgId} canEdit={canEdit} policy={org.data} />;
}

function SignInPolicyForm({
  orgId,
  canEdit,
  policy,
}: {
  orgId: string;
  canEdit: boolean;
  policy: {
    sessionMaxAgeMinutes: number | null;
    idleTimeoutMinutes: number | null;
    allowedSignInMethods: Method[] | null;
  };
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [lifetime, setLifetime] = useState(policy.sessionMaxAgeMinutes?.toString() ?? "");
  const [idle, setIdle] = useState(policy.idleTimeoutMinutes?.toString() ?? "");
  const [methods, setMethods] = useState<Set<Method>>(
    new Set(policy.allowedSignInMethods ?? METHODS.map(([m]) => m)),
  );
  const save = useMutation(
    trpc.orgs.setSignInPolicy.mutationOptions({
      onSuccess: ({ signInAgain }) => {
        toast(
          "success",
          signInAgain
            ? "Sign-in policy saved. Your own session is past its limits here: sign in again to continue."
            : "Sign-in policy saved.",
        );
        void queryClient.invalidateQueries({ queryKey: trpc.orgs.pathKey() });
      },
    }),
  );
  const errors = formErrors(
    save.error,
    ["sessionMaxAgeMinutes", "idleTimeoutMinutes", "allowedSignInMethods"],
    {
      POLICY_EXCLUDES_OWN_SIGN_IN: "allowedSignInMethods",
    },
  );
  const [typed, setTyped] = useState<{ lifetime?: string; idle?: string }>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const all = METHODS.every(([m]) => methods.has(m));
    const sessionMaxAgeMinutes = minutes(lifetime);
    const idleTimeoutMinutes = minutes(idle);
    if (sessionMaxAgeMinutes === "invalid" || idleTimeoutMinutes === "invalid") {
      setTyped({
        ...(sessionMaxAgeMinutes === "invalid" ? { lifetime: NOT_MINUTES } : {}),
        ...(idleTimeoutMinutes === "invalid" ? { idle: NOT_MINUTES } : {}),
      });
      return;
    }
    setTyped({});
    save.mutate({
      orgId,
      sessionMaxAgeMinutes,
      idleTimeoutMinutes,
      allowedSignInMethods: all ? null : METHODS.map(([m]) => m).filter((m) => methods.has(m)),
    });
  };
  const toggle = (method: Method, on: boolean) => {
    const next = new Set(methods);
    if (on) next.add(method);
    else next.delete(method);
    setMethods(next);
  };
  const methodsError = errors.field("allowedSignInMethods");
  return (
    <section className="card stack" aria-labelledby="sign-in-policy-title">
      <h2 id="sign-in-policy-title">Sign-in policy</h2>
      <p className="muted">
        Members whose session is older, has paused longer, or was signed in another way are asked to sign in
        again before they act in this organization; their other organizations are not affected. Owners may
        always sign in, whatever the methods.
      </p>
      <form className="stack" onSubmit={submit}>
        <Field
          label="Session lifetime (minutes)"
          hint="From 15 minutes to 90 days (129,600). Empty: no limit."
          inputMode="numeric"
          value={lifetime}
          disabled={!canEdit}
          onChange={(e) => setLifetime(e.target.value)}
          error={typed.lifetime ?? errors.field("sessionMaxAgeMinutes")}
        />
        <Field
          label="Idle timeout (minutes)"
          hint="From 5 minutes to 30 days (43,200). Empty: no limit."
          inputMode="numeric"
          value={idle}
          disabled={!canEdit}
          onChange={(e) => setIdle(e.target.value)}
          error={typed.idle ?? errors.field("idleTimeoutMinutes")}
        />
        <fieldset className="stack" aria-describedby={methodsError ? "sign-in-methods-error" : undefined}>
          <legend>Accepted ways of signing in</legend>
          {METHODS.map(([method, label]) => (
            <label className="check" key={method}>
              <input
                type="checkbox"
                disabled={!canEdit}
                checked={methods.has(method)}
                onChange={(e) => toggle(method, e.target.checked)}
              />{" "}
              {label}
            </label>
          ))}
          {methodsError ? (
            <small id="sign-in-methods-error" className="field-error">
              {methodsError}
            </small>
          ) : null}
        </fieldset>
        <FormNote text={errors.other} />
        {canEdit ? (
          <div>
            <Button type="submit" busy={save.isPending}>
              Save sign-in policy
            </Button>
          </div>
        ) : null}
      </form>
    </section>
  );
}
