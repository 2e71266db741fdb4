import { useId, useState } from "react";
import { errorDetails, errorReason } from "../errors.js";
import { useSetSignInPolicy } from "../hooks/organizations.js";
import type { Labels } from "../labels.js";
import { useLabels } from "../provider.js";
import type { OrganizationDetails, SignInMethod } from "../types.js";
import type { useAction } from "../ui/use-action.js";
import type { SecurityPolicyAction } from "./security-policies.js";

/** Every way of signing in a policy may accept, in the order they are offered. */
const METHODS = [
  "password",
  "passkey",
  "sso",
  "google",
  "github",
  "microsoft",
] as const satisfies readonly SignInMethod[];
// A method the server adds without a checkbox here fails to compile.
const everyMethod: [Exclude<SignInMethod, (typeof METHODS)[number]>] extends [never] ? true : false = true;
void everyMethod;

/** The bounds Roster keeps an organization's session limits within, in minutes. */
const LIFETIME = { min: 15, max: 90 * 24 * 60 };
const IDLE = { min: 5, max: 30 * 24 * 60 };
const DAY = 24 * 60;

type Field = "lifetime" | "idle" | "methods";
type FieldErrors = Partial<Record<Field, string>>;
type Sent = {
  sessionMaxAgeMinutes: number | null;
  idleTimeoutMinutes: number | null;
  allowedSignInMethods: SignInMethod[] | null;
};
const fieldOf: Partial<Record<string, Field>> = {
  sessionMaxAgeMinutes: "lifetime",
  idleTimeoutMinutes: "idle",
  allowedSignInMethods: "methods",
};

/** A limit as typed: empty is none, a whole number is minutes, anything else is not a limit. */
function minutes(text: string): number | null | "invalid" {
  const value = text.trim();
  if (value === "") return null;
  return /^\d{1,9}$/.test(value) ? Number(value) : "invalid";
}

/** The sentence for a limit the server refused, in the viewer's words (the bounds are known here). */
function outOfBounds(labels: Labels, field: "lifetime" | "idle", value: number | null): string | undefined {
  if (value === null) return undefined;
  const { min, max } = field === "lifetime" ? LIFETIME : IDLE;
  if (!Number.isInteger(value)) return labels.minutesNotWhole;
  if (value < min) return field === "lifetime" ? labels.lifetimeTooShort(min) : labels.idleTooShort(min);
  if (value > max)
    return field === "lifetime" ? labels.lifetimeTooLong(max, max / DAY) : labels.idleTooLong(max, max / DAY);
  return undefined;
}

/** Which fields a refused save was about, each with its sentence; null when it was about none. */
function fieldErrorsOf(error: unknown, sent: Sent, labels: Labels): FieldErrors | null {
  const reason = errorReason(error);
  if (reason === "POLICY_EXCLUDES_OWN_SIGN_IN") {
    const method = errorDetails(error)?.method;
    return {
      methods:
        typeof method === "string"
          ? labels.ownSignInExcluded(method)
          : labels.messages.POLICY_EXCLUDES_OWN_SIGN_IN,
    };
  }
  if (reason !== "VALIDATION") return null;
  const issues = (error as { data?: { issues?: { path: string[]; message: string }[] } }).data?.issues ?? [];
  const found: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf[issue.path[0] ?? ""];
    if (!field || found[field]) continue;
    const ours =
      field === "methods"
        ? sent.allowedSignInMethods?.length === 0
          ? labels.noMethodAllowed
          : undefined
        : outOfBounds(
            labels,
            field,
            field === "lifetime" ? sent.sessionMaxAgeMinutes : sent.idleTimeoutMinutes,
          );
    found[field] = ours ?? issue.message;
  }
  return Object.keys(found).length > 0 ? found : null;
}

/**
 * Session lifetime, idle timeout (minutes; empty: no limit) and the accepted ways of signing in
 * (every one ticked: any), saved together. A refusal about one field is said beside it.
 */
export function SignInPolicyForm(props: {
  orgId: string;
  org: OrganizationDetails;
  action: ReturnType<typeof useAction<SecurityPolicyAction>>;
}) {
  const { orgId, org, action } = props;
  const labels = useLabels();
  const ids = {
    title: useId(),
    lifetime: useId(),
    idle: useId(),
    methodsHint: useId(),
    methodsError: useId(),
  };
  const save = useSetSignInPolicy();
  const [draft, setDraft] = useState<{ lifetime?: string; idle?: string; methods?: SignInMethod[] }>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const busy = action.busy !== null;
  const lifetime = draft.lifetime ?? org.sessionMaxAgeMinutes?.toString() ?? "";
  const idle = draft.idle ?? org.idleTimeoutMinutes?.toString() ?? "";
  const methods = draft.methods ?? org.allowedSignInMethods ?? [...METHODS];

  const submit = async () => {
    const sessionMaxAgeMinutes = minutes(lifetime);
    const idleTimeoutMinutes = minutes(idle);
    if (sessionMaxAgeMinutes === "invalid" || idleTimeoutMinutes === "invalid") {
      action.setOutcome(null);
      setErrors({
        ...(sessionMaxAgeMinutes === "invalid" ? { lifetime: labels.minutesNotWhole } : {}),
        ...(idleTimeoutMinutes === "invalid" ? { idle: labels.minutesNotWhole } : {}),
      });
      return;
    }
    const sent: Sent = {
      sessionMaxAgeMinutes,
      idleTimeoutMinutes,
      allowedSignInMethods: METHODS.every((m) => methods.includes(m))
        ? null
        : METHODS.filter((m) => methods.includes(m)),
    };
    setErrors({});
    const result = await action.run(
      { type: "setSignInPolicy", orgId, ...sent },
      "policy",
      () => save.mutateAsync({ orgId, ...sent }),
      (saved) => (saved.signInAgain ? labels.signInPolicySavedSignInAgain : labels.signInPolicySaved),
    );
    if (result.ok) setDraft({});
    else if ("error" in result) {
      const beside = fieldErrorsOf(result.error, sent, labels);
      if (beside) {
        // Said beside the field it is about, not a second time below the form.
        action.setOutcome(null);
        setErrors(beside);
      }
    }
  };
  const toggle = (method: SignInMethod, on: boolean) =>
    setDraft((d) => ({
      ...d,
      methods: on ? [...methods.filter((m) => m !== method), method] : methods.filter((m) => m !== method),
    }));

  return (
    <form
      className="roster-policy-section"
      data-section="sessions"
      aria-labelledby={ids.title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id={ids.title} className="roster-subheading">
        {labels.sessionPolicyTitle}
      </h3>
      <p className="roster-hint">{labels.sessionPolicyIntro}</p>
      <MinutesField
        id={ids.lifetime}
        label={labels.sessionLifetime}
        hint={labels.sessionLifetimeHint(LIFETIME.min, LIFETIME.max / DAY)}
        value={lifetime}
        error={errors.lifetime}
        onChange={(value) => setDraft((d) => ({ ...d, lifetime: value }))}
      />
      <MinutesField
        id={ids.idle}
        label={labels.idleTimeout}
        hint={labels.idleTimeoutHint(IDLE.min, IDLE.max / DAY)}
        value={idle}
        error={errors.idle}
        onChange={(value) => setDraft((d) => ({ ...d, idle: value }))}
      />
      <fieldset
        className="roster-policy-methods"
        aria-describedby={errors.methods ? `${ids.methodsHint} ${ids.methodsError}` : ids.methodsHint}
      >
        <legend className="roster-label">{labels.allowedMethods}</legend>
        <p id={ids.methodsHint} className="roster-hint">
          {labels.allowedMethodsHint}
        </p>
        {METHODS.map((method) => (
          <label key={method} className="roster-policy-method">
            <input
              type="checkbox"
              className="roster-checkbox"
              checked={methods.includes(method)}
              onChange={(e) => toggle(method, e.target.checked)}
            />{" "}
            {labels.signInMethodNames[method]}
          </label>
        ))}
        {errors.methods ? (
          <p id={ids.methodsError} className="roster-field-error" role="alert">
            {errors.methods}
          </p>
        ) : null}
      </fieldset>
      <button
        type="submit"
        className="roster-button"
        data-variant="primary"
        disabled={busy}
        aria-busy={action.busy === "policy" || undefined}
      >
        {labels.saveSignInPolicy}
      </button>
    </form>
  );
}

function MinutesField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const hintId = `${props.id}-hint`;
  const errorId = `${props.id}-error`;
  return (
    <div className="roster-field">
      <label className="roster-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="roster-input"
        inputMode="numeric"
        autoComplete="off"
        size={10}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <span id={hintId} className="roster-hint">
        {props.hint}
      </span>
      {props.error ? (
        <span id={errorId} className="roster-field-error" role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}
