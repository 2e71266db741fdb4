import { useId } from "react";
import { errorReason } from "../errors.js";
import { useOrganization, usePermissions, useSetTwoFactorPolicy } from "../hooks/organizations.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, SignInMethod } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { SectionState } from "../ui/section-state.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";
import { SignInPolicyForm } from "./sign-in-policy.js";

export type SecurityPolicyAction =
  | { type: "setTwoFactorPolicy"; orgId: string; required: boolean }
  | {
      type: "setSignInPolicy";
      orgId: string;
      sessionMaxAgeMinutes: number | null;
      idleTimeoutMinutes: number | null;
      allowedSignInMethods: SignInMethod[] | null;
    };

export interface SecurityPoliciesProps extends ActionCallbacks<SecurityPolicyAction> {
  orgId: string;
  className?: string;
}

/**
 * An organization's sign-in policies, as a self-serve admin section (like an identity provider's
 * organization security settings): whether members must use two-factor sign-in, how long a session
 * may act here after signing in and how long it may pause, and the ways of signing in accepted.
 * Needs `org:update`; others see a sentence saying their role does not allow it.
 */
export function SecurityPolicies({ orgId, className, onBefore, onAfter }: SecurityPoliciesProps) {
  const labels = useLabels();
  const ids = { heading: useId(), twoFactor: useId(), twoFactorHint: useId(), twoFactorError: useId() };
  const permissions = usePermissions(orgId);
  const canUpdate = permissions.can("org:update");
  const org = useOrganization(orgId, canUpdate);
  const setTwoFactor = useSetTwoFactorPolicy();
  const action = useAction<SecurityPolicyAction>({ onBefore, onAfter });
  const busy = action.busy !== null;
  const classes = classNames("roster-widget roster-security-policies", className);

  const blocked = permissions.error ?? org.error;
  const forbidden = permissions.isSuccess && !canUpdate;
  if (blocked || forbidden || !org.data) {
    return (
      <section className={classes} aria-labelledby={ids.heading}>
        <h2 id={ids.heading} className="roster-heading">
          {labels.policiesTitle}
        </h2>
        <SectionState
          error={blocked}
          forbidden={forbidden}
          forbiddenText={labels.cannotManagePolicies}
          loadingText={labels.loadingPolicies}
          onRetry={() => void (permissions.error ? permissions.refetch() : org.refetch())}
        />
      </section>
    );
  }

  // A refusal of the toggle is said next to it; the status region says everything else.
  const twoFactorError =
    action.outcome?.tone === "error" && action.outcome.key === "twoFactor" ? action.outcome.text : null;
  const pendingRequired = setTwoFactor.isPending ? setTwoFactor.variables?.required : undefined;
  const setRequired = (required: boolean) =>
    action.run(
      { type: "setTwoFactorPolicy", orgId, required },
      "twoFactor",
      () => setTwoFactor.mutateAsync({ orgId, required }),
      (result) => (result.requireTwoFactor ? labels.twoFactorRequired : labels.twoFactorNotRequired),
      (error) => (errorReason(error) === "MFA_REQUIRED" ? labels.twoFactorPolicyNeedsOwn : undefined),
    );

  return (
    <section className={classes} aria-labelledby={ids.heading} data-busy={busy || undefined}>
      <h2 id={ids.heading} className="roster-heading">
        {labels.policiesTitle}
      </h2>
      <div className="roster-policy-section" data-section="two-factor">
        <h3 className="roster-subheading">{labels.twoFactorPolicyTitle}</h3>
        <div className="roster-policy-toggle">
          <input
            id={ids.twoFactor}
            type="checkbox"
            className="roster-checkbox"
            checked={pendingRequired ?? org.data.requireTwoFactor}
            disabled={busy}
            aria-describedby={
              twoFactorError ? `${ids.twoFactorHint} ${ids.twoFactorError}` : ids.twoFactorHint
            }
            aria-invalid={twoFactorError ? true : undefined}
            onChange={(e) => void setRequired(e.target.checked)}
          />
          <label htmlFor={ids.twoFactor}>{labels.requireTwoFactor}</label>
        </div>
        <p id={ids.twoFactorHint} className="roster-hint">
          {labels.requireTwoFactorHint}
        </p>
        {twoFactorError ? (
          <p id={ids.twoFactorError} className="roster-field-error" role="alert">
            {twoFactorError}
          </p>
        ) : null}
      </div>
      <SignInPolicyForm orgId={orgId} org={org.data} action={action} />
      <StatusRegion outcome={twoFactorError ? null : action.outcome} busy={busy} />
    </section>
  );
}
