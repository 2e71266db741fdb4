import { useId } from "react";
import { type DomainAction, Domains } from "../domains/domains.js";
import { useLabels } from "../provider.js";
import { type ScimAction, ScimSettings } from "../scim-settings/scim-settings.js";
import { type SsoAction, SsoConnection } from "../sso-connection/sso-connection.js";
import type { ActionCallbacks } from "../types.js";
import { classNames } from "../ui/class-names.js";

export type SecurityAction = DomainAction | SsoAction | ScimAction;

export interface SecurityProps extends ActionCallbacks<SecurityAction> {
  orgId: string;
  className?: string;
}

/**
 * The enterprise-identity admin portal in one widget: verified domains and enrollment, the
 * identity provider (single sign-on) and SCIM provisioning. Each section hides what the viewer's
 * role does not allow.
 */
export function Security({ orgId, className, onBefore, onAfter }: SecurityProps) {
  const labels = useLabels();
  const heading = useId();
  return (
    <section className={classNames("roster-security", className)} aria-labelledby={heading}>
      <h2 id={heading} className="roster-heading">
        {labels.securityTitle}
      </h2>
      <Domains orgId={orgId} onBefore={onBefore} onAfter={onAfter} />
      <SsoConnection orgId={orgId} onBefore={onBefore} onAfter={onAfter} />
      <ScimSettings orgId={orgId} onBefore={onBefore} onAfter={onAfter} />
    </section>
  );
}
