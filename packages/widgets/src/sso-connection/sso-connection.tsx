import { useId, useState } from "react";
import { usePermissions, useRoles } from "../hooks/organizations.js";
import {
  useConfigureSso,
  useDeleteSso,
  useSetSsoEnforcement,
  useSsoConnection,
  useTestSso,
} from "../hooks/security.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { CopyValue } from "../ui/copy-value.js";
import { SectionState } from "../ui/section-state.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

type Protocol = "oidc" | "saml";

export type SsoAction =
  | { type: "configureSso"; orgId: string; protocol: Protocol }
  | { type: "testSso"; orgId: string }
  | { type: "setSsoEnforcement"; orgId: string; enforced: boolean }
  | { type: "deleteSso"; orgId: string };

export interface SsoConnectionProps extends ActionCallbacks<SsoAction> {
  orgId: string;
  className?: string;
}

type Draft = Partial<{
  protocol: Protocol;
  issuer: string;
  clientId: string;
  clientSecret: string;
  entityId: string;
  ssoUrl: string;
  certificate: string;
  defaultRole: string;
}>;

/**
 * The organization's identity provider, as a self-serve admin section (like WorkOS's Admin Portal):
 * the values the provider needs, copyable; the provider's own (OIDC or SAML); a test sign-in;
 * "members must use SSO"; removal. Hidden from people without `domains:manage`.
 */
export function SsoConnection({ orgId, className, onBefore, onAfter }: SsoConnectionProps) {
  const labels = useLabels();
  const ids = { heading: useId(), protocol: useId(), certificate: useId() };
  const permissions = usePermissions(orgId);
  const canManage = permissions.can("domains:manage");
  const settings = useSsoConnection(orgId, canManage);
  const roles = useRoles(orgId);
  const configure = useConfigureSso();
  const enforce = useSetSsoEnforcement();
  const test = useTestSso();
  const remove = useDeleteSso();
  const action = useAction<SsoAction>({ onBefore, onAfter });
  const [draft, setDraft] = useState<Draft>({});
  const [testUrl, setTestUrl] = useState<string | null>(null);
  const busy = action.busy !== null;
  const classes = classNames("roster-widget roster-sso-connection", className);

  const blocked = permissions.error ?? settings.error;
  if (blocked || (permissions.isSuccess && !canManage) || !settings.data) {
    return (
      <section className={classes} aria-labelledby={ids.heading}>
        <h2 id={ids.heading} className="roster-heading">
          {labels.ssoTitle}
        </h2>
        <SectionState
          error={blocked}
          forbidden={permissions.isSuccess && !canManage}
          forbiddenText={labels.cannotManageSso}
          loadingText={labels.loadingSso}
          onRetry={() => void settings.refetch()}
        />
      </section>
    );
  }

  const { connection, serviceProvider: sp } = settings.data;
  const value = (key: Exclude<keyof Draft, "protocol">, saved: string | undefined) =>
    draft[key] ?? saved ?? "";
  const protocol: Protocol = draft.protocol ?? connection?.protocol ?? "oidc";
  const defaultRole = draft.defaultRole ?? connection?.defaultRole ?? "member";
  const grantable = (roles.data ?? []).filter((r) => r.key !== "owner");
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const copied = (ok: boolean) =>
    action.setOutcome(
      ok ? { tone: "success", text: labels.copied } : { tone: "error", text: labels.messages.INTERNAL },
    );

  const save = () =>
    action.run(
      { type: "configureSso", orgId, protocol },
      "configure",
      () =>
        protocol === "oidc"
          ? configure.mutateAsync({
              orgId,
              protocol,
              issuer: value("issuer", connection?.oidc?.issuer),
              clientId: value("clientId", connection?.oidc?.clientId),
              ...(draft.clientSecret ? { clientSecret: draft.clientSecret } : {}),
              defaultRole,
            })
          : configure.mutateAsync({
              orgId,
              protocol,
              entityId: value("entityId", connection?.saml?.entityId),
              ssoUrl: value("ssoUrl", connection?.saml?.ssoUrl),
              certificate: value("certificate", connection?.saml?.certificate),
              defaultRole,
            }),
      () => {
        setDraft({});
        return labels.ssoSaved;
      },
    );
  const startTest = async () => {
    const result = await action.run(
      { type: "testSso", orgId },
      "test",
      () => test.mutateAsync({ orgId }),
      () => labels.ssoTestStarted,
    );
    if (result.ok) {
      setTestUrl(result.result.url);
      window.open(result.result.url, "_blank", "noopener");
    }
  };

  return (
    <section className={classes} aria-labelledby={ids.heading} data-busy={busy || undefined}>
      <h2 id={ids.heading} className="roster-heading">
        {labels.ssoTitle}
      </h2>
      <p className="roster-hint">{labels.ssoIntro}</p>
      <form
        className="roster-stack"
        aria-labelledby={ids.heading}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="roster-field" htmlFor={ids.protocol}>
          <span className="roster-label">{labels.ssoProtocol}</span>
          <select
            id={ids.protocol}
            className="roster-select"
            value={protocol}
            onChange={(e) => setDraft((d) => ({ ...d, protocol: e.target.value as Protocol }))}
          >
            {(["oidc", "saml"] as const).map((p) => (
              <option key={p} value={p}>
                {labels.ssoProtocols[p]}
              </option>
            ))}
          </select>
        </label>
        {protocol === "oidc" ? (
          <>
            <CopyValue label={labels.ssoRedirectUri} value={sp.redirectUri} onCopied={copied} />
            <Field
              label={labels.ssoIssuer}
              type="url"
              value={value("issuer", connection?.oidc?.issuer)}
              onChange={set("issuer")}
            />
            <Field
              label={labels.ssoClientId}
              value={value("clientId", connection?.oidc?.clientId)}
              onChange={set("clientId")}
            />
            <Field
              label={labels.ssoClientSecret}
              type="password"
              required={!connection?.oidc?.clientSecretSet}
              hint={connection?.oidc?.clientSecretSet ? labels.ssoClientSecretKept : undefined}
              value={draft.clientSecret ?? ""}
              onChange={set("clientSecret")}
            />
          </>
        ) : (
          <>
            <CopyValue label={labels.ssoAcsUrl} value={sp.acsUrl} onCopied={copied} />
            <CopyValue label={labels.ssoEntityId} value={sp.entityId} onCopied={copied} />
            <CopyValue label={labels.ssoMetadataUrl} value={sp.metadataUrl} onCopied={copied} />
            <Field
              label={labels.ssoIdpEntityId}
              value={value("entityId", connection?.saml?.entityId)}
              onChange={set("entityId")}
            />
            <Field
              label={labels.ssoIdpSsoUrl}
              type="url"
              value={value("ssoUrl", connection?.saml?.ssoUrl)}
              onChange={set("ssoUrl")}
            />
            <label className="roster-field" htmlFor={ids.certificate}>
              <span className="roster-label">{labels.ssoCertificate}</span>
              <textarea
                id={ids.certificate}
                className="roster-input"
                required
                rows={4}
                value={value("certificate", connection?.saml?.certificate)}
                onChange={set("certificate")}
              />
            </label>
          </>
        )}
        <label className="roster-field">
          <span className="roster-label">{labels.ssoDefaultRole}</span>
          <select className="roster-select" value={defaultRole} onChange={set("defaultRole")}>
            {grantable.map((r) => (
              <option key={r.key} value={r.key}>
                {roleLabel(labels, r.key, r.name)}
              </option>
            ))}
          </select>
        </label>
        <div className="roster-invitation-actions">
          <button type="submit" className="roster-button" data-variant="primary" disabled={busy}>
            {connection ? labels.ssoSave : labels.ssoConnect}
          </button>
          {connection ? (
            <>
              <button
                type="button"
                className="roster-button"
                disabled={busy}
                onClick={() => void startTest()}
              >
                {labels.ssoTest}
              </button>
              <button
                type="button"
                className="roster-button"
                data-variant="danger"
                disabled={busy}
                onClick={() =>
                  void action.run(
                    { type: "deleteSso", orgId },
                    "delete",
                    () => remove.mutateAsync({ orgId }),
                    () => labels.ssoRemoved,
                  )
                }
              >
                {labels.ssoRemove}
              </button>
            </>
          ) : null}
        </div>
      </form>
      {connection ? (
        <label className="roster-checkbox">
          <input
            type="checkbox"
            checked={connection.enforced}
            disabled={busy}
            onChange={(e) => {
              const enforced = e.target.checked;
              void action.run(
                { type: "setSsoEnforcement", orgId, enforced },
                "enforce",
                () => enforce.mutateAsync({ orgId, enforced }),
                () => (enforced ? labels.ssoEnforced : labels.ssoNotEnforced),
              );
            }}
          />{" "}
          {labels.ssoEnforce}
        </label>
      ) : null}
      {testUrl ? (
        <p className="roster-hint">
          <a href={testUrl} target="_blank" rel="noopener noreferrer">
            {labels.ssoTestLink}
          </a>
        </p>
      ) : null}
      <StatusRegion outcome={action.outcome} busy={busy} />
    </section>
  );
}

function Field(props: {
  label: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  type?: "url" | "password";
  required?: boolean;
  hint?: string | undefined;
}) {
  const id = useId();
  const hintId = useId();
  return (
    <label className="roster-field" htmlFor={id}>
      <span className="roster-label">{props.label}</span>
      <input
        id={id}
        className="roster-input"
        type={props.type ?? "text"}
        required={props.required ?? true}
        autoComplete="off"
        value={props.value}
        aria-describedby={props.hint ? hintId : undefined}
        onChange={props.onChange}
      />
      {props.hint ? (
        <span id={hintId} className="roster-hint">
          {props.hint}
        </span>
      ) : null}
    </label>
  );
}
