import { useId, useState } from "react";
import { errorField, errorMessage, errorReason } from "../errors.js";
import { useChangePassword } from "../hooks/account-security.js";
import { useViewer } from "../hooks/organizations.js";
import { useLabels } from "../provider.js";
import type { useAction } from "../ui/use-action.js";
import type { AccountSecurityAction } from "./account-security.js";

type Action = ReturnType<typeof useAction<AccountSecurityAction>>;
type Field = "current" | "next" | "confirm";

/** The shortest password Roster accepts (`auth.changePassword`'s `next`). */
const MIN_PASSWORD = 8;

/**
 * Changing the password inside AccountSecurity: the current one, the new one twice (compared here,
 * before anything is sent). A refusal about one field is said beside that field; the form clears
 * once the password is changed, and the other sessions are signed out by Roster. Shown only for an
 * account that has a password.
 */
export function PasswordSection({ action }: { action: Action }) {
  const labels = useLabels();
  const ids = {
    heading: useId(),
    hint: useId(),
    current: useId(),
    next: useId(),
    confirm: useId(),
    error: useId(),
  };
  const viewer = useViewer();
  const change = useChangePassword();
  const [values, setValues] = useState<Record<Field, string>>({ current: "", next: "", confirm: "" });
  const [fieldError, setFieldError] = useState<{ field: Field; text: string } | null>(null);
  const busy = action.busy !== null;
  // An account made by a provider, SSO or a host has no password to change (and none is set here).
  if (!viewer.data?.hasPassword) return null;

  const submit = async () => {
    setFieldError(null);
    if (!values.current) return setFieldError({ field: "current", text: labels.enterCurrentPassword });
    if (values.next.length < MIN_PASSWORD)
      return setFieldError({ field: "next", text: labels.passwordTooShort });
    if (values.next !== values.confirm)
      return setFieldError({ field: "confirm", text: labels.passwordsDiffer });
    const result = await action.run(
      { type: "changePassword" },
      "changePassword",
      () => change.mutateAsync({ current: values.current, next: values.next }),
      (r) => labels.passwordChanged(r.endedSessions),
    );
    if (result.ok) {
      setValues({ current: "", next: "", confirm: "" });
      return;
    }
    if (!("error" in result)) return;
    // The refusals that are about one field are said beside it, not only in the status region.
    const field = errorField(result.error, { INVALID_PASSWORD: "current" });
    if (field === "current" || field === "next") {
      const text =
        field === "next" && errorReason(result.error) === "VALIDATION"
          ? labels.passwordTooShort
          : errorMessage(result.error, labels);
      setFieldError({ field, text });
    }
  };

  const input = (field: Field, label: string, autoComplete: string, hinted = false) => {
    const invalid = fieldError?.field === field;
    const describe = [hinted ? ids.hint : undefined, invalid ? ids.error : undefined]
      .filter(Boolean)
      .join(" ");
    return (
      <div className="roster-field">
        <label className="roster-label" htmlFor={ids[field]}>
          {label}
        </label>
        <input
          id={ids[field]}
          className="roster-input"
          type="password"
          value={values[field]}
          autoComplete={autoComplete}
          maxLength={256}
          aria-invalid={invalid || undefined}
          aria-describedby={describe || undefined}
          onChange={(e) => {
            setValues({ ...values, [field]: e.target.value });
            if (invalid) setFieldError(null);
          }}
        />
        {invalid ? (
          <span id={ids.error} className="roster-field-error" role="alert">
            {fieldError.text}
          </span>
        ) : null}
      </div>
    );
  };

  return (
    <section className="roster-profile-section" aria-labelledby={ids.heading}>
      <h3 id={ids.heading} className="roster-subheading">
        {labels.passwordTitle}
      </h3>
      <form
        className="roster-profile-form"
        noValidate
        aria-labelledby={ids.heading}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {input("current", labels.currentPassword, "current-password")}
        {input("next", labels.newPassword, "new-password", true)}
        <span id={ids.hint} className="roster-hint">
          {labels.newPasswordHint}
        </span>
        {input("confirm", labels.confirmNewPassword, "new-password")}
        <div className="roster-toolbar">
          <button
            type="submit"
            className="roster-button"
            data-variant="primary"
            disabled={busy}
            aria-busy={action.busy === "changePassword"}
          >
            {labels.changePassword}
          </button>
        </div>
      </form>
    </section>
  );
}
