import { useId, useState } from "react";
import { usePermissions, useRoles } from "../hooks/organizations.js";
import {
  useCreateScimToken,
  useMapScimGroupRole,
  useRevokeScimToken,
  useScimSettings,
  useSetScimDefaultRole,
} from "../hooks/security.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { CopyValue } from "../ui/copy-value.js";
import { SectionState } from "../ui/section-state.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type ScimAction =
  | { type: "createScimToken"; orgId: string; name: string }
  | { type: "revokeScimToken"; orgId: string; tokenId: string }
  | { type: "setScimDefaultRole"; orgId: string; role: string }
  | { type: "mapScimGroupRole"; orgId: string; groupId: string; role: string | null };

export interface ScimSettingsProps extends ActionCallbacks<ScimAction> {
  orgId: string;
  className?: string;
}

/**
 * SCIM provisioning as a self-serve admin section: the base URL, tokens (a new one shown once,
 * copyable; the others masked and revocable), the role provisioned members get and the role of each
 * group's members. Hidden from people without `scim:manage`.
 */
export function ScimSettings({ orgId, className, onBefore, onAfter }: ScimSettingsProps) {
  const labels = useLabels();
  const ids = { heading: useId(), name: useId(), tokens: useId(), groups: useId() };
  const permissions = usePermissions(orgId);
  const canManage = permissions.can("scim:manage");
  const settings = useScimSettings(orgId, canManage);
  const roles = useRoles(orgId);
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const setDefault = useSetScimDefaultRole();
  const mapGroup = useMapScimGroupRole();
  const action = useAction<ScimAction>({ onBefore, onAfter });
  const [name, setName] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  const busy = action.busy !== null;
  const classes = classNames("roster-widget roster-scim-settings", className);

  const blocked = permissions.error ?? settings.error;
  if (blocked || (permissions.isSuccess && !canManage) || !settings.data) {
    return (
      <section className={classes} aria-labelledby={ids.heading}>
        <h2 id={ids.heading} className="roster-heading">
          {labels.scimTitle}
        </h2>
        <SectionState
          error={blocked}
          forbidden={permissions.isSuccess && !canManage}
          forbiddenText={labels.cannotManageScim}
          loadingText={labels.loadingScim}
          onRetry={() => void settings.refetch()}
        />
      </section>
    );
  }

  const data = settings.data;
  const grantable = (roles.data ?? []).filter((r) => r.key !== "owner");
  const copied = (ok: boolean) =>
    action.setOutcome(
      ok ? { tone: "success", text: labels.copied } : { tone: "error", text: labels.messages.INTERNAL },
    );
  const createToken = async () => {
    const tokenName = name.trim();
    const result = await action.run(
      { type: "createScimToken", orgId, name: tokenName },
      "create",
      () => create.mutateAsync({ orgId, name: tokenName }),
      () => labels.scimTokenCreated(tokenName),
    );
    if (result.ok) {
      setShown(result.result.token);
      setName("");
    }
  };
  const roleOptions = grantable.map((r) => (
    <option key={r.key} value={r.key}>
      {roleLabel(labels, r.key, r.name)}
    </option>
  ));

  return (
    <section className={classes} aria-labelledby={ids.heading} data-busy={busy || undefined}>
      <h2 id={ids.heading} className="roster-heading">
        {labels.scimTitle}
      </h2>
      <p className="roster-hint">{labels.scimIntro}</p>
      <CopyValue label={labels.scimBaseUrl} value={data.baseUrl} onCopied={copied} />
      {shown ? <CopyValue label={labels.scimNewToken} value={shown} onCopied={copied} /> : null}
      <form
        className="roster-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void createToken();
        }}
      >
        <label className="roster-field" htmlFor={ids.name}>
          <span className="roster-label">{labels.scimTokenName}</span>
          <input
            id={ids.name}
            className="roster-input"
            value={name}
            maxLength={100}
            placeholder="Okta"
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="roster-button"
          data-variant="primary"
          disabled={busy || !name.trim()}
        >
          {labels.scimCreateToken}
        </button>
      </form>
      <h3 id={ids.tokens} className="roster-subheading">
        {labels.scimTokens}
      </h3>
      {data.tokens.length === 0 ? (
        <p className="roster-note" data-status="empty">
          {labels.scimNoTokens}
        </p>
      ) : (
        <ul className="roster-domain-list" aria-labelledby={ids.tokens}>
          {data.tokens.map((t) => (
            <li key={t.id} className="roster-domain" data-status={t.revokedAt ? "revoked" : "active"}>
              <strong>{t.name}</strong>{" "}
              <span>
                {labels.scimTokenLine(t.masked, labels.formatDate(t.createdAt))},{" "}
                {t.lastUsedAt ? labels.scimLastUsed(labels.formatDate(t.lastUsedAt)) : labels.scimNeverUsed}
              </span>{" "}
              {t.revokedAt ? (
                <span className="roster-badge">{labels.scimRevoked(labels.formatDate(t.revokedAt))}</span>
              ) : (
                <button
                  type="button"
                  className="roster-button"
                  data-size="small"
                  data-variant="danger"
                  disabled={busy}
                  onClick={() =>
                    void action.run(
                      { type: "revokeScimToken", orgId, tokenId: t.id },
                      `revoke:${t.id}`,
                      () => revoke.mutateAsync({ orgId, tokenId: t.id }),
                      () => labels.scimTokenRevoked(t.name),
                    )
                  }
                >
                  {labels.scimRevoke(t.name)}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <label className="roster-field">
        <span className="roster-label">{labels.scimDefaultRole}</span>
        <select
          className="roster-select"
          value={data.defaultRole}
          disabled={busy}
          onChange={(e) => {
            const role = e.target.value;
            void action.run(
              { type: "setScimDefaultRole", orgId, role },
              "default-role",
              () => setDefault.mutateAsync({ orgId, role }),
              () => labels.scimDefaultRoleSaved,
            );
          }}
        >
          {roleOptions}
        </select>
      </label>
      {data.groups.length > 0 ? (
        <>
          <h3 id={ids.groups} className="roster-subheading">
            {labels.scimGroupsTitle}
          </h3>
          <ul className="roster-domain-list" aria-labelledby={ids.groups}>
            {data.groups.map((g) => (
              <li key={g.groupId} className="roster-domain">
                <label className="roster-field">
                  <span className="roster-label">{labels.scimGroupRole(g.name)}</span>
                  <select
                    className="roster-select"
                    value={g.role ?? ""}
                    disabled={busy}
                    onChange={(e) => {
                      const role = e.target.value || null;
                      void action.run(
                        { type: "mapScimGroupRole", orgId, groupId: g.groupId, role },
                        `group:${g.groupId}`,
                        () => mapGroup.mutateAsync({ orgId, groupId: g.groupId, role }),
                        () => labels.scimGroupRoleSaved(g.name),
                      );
                    }}
                  >
                    <option value="">{labels.scimNoRole}</option>
                    {roleOptions}
                  </select>
                </label>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <StatusRegion outcome={action.outcome} busy={busy} />
    </section>
  );
}
