import { useId, useRef, useState } from "react";
import { errorMessage } from "../errors.js";
import { usePermissions, useRoles } from "../hooks/organizations.js";
import {
  useApiKeys,
  useCreateApiKey,
  useCreateServiceAccount,
  useDeleteServiceAccount,
  useRevokeApiKey,
  useServiceAccounts,
} from "../hooks/service-accounts.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, ApiKey, ServiceAccount } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { ConfirmButtons, Dialog, DialogError } from "../ui/dialog.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type ApiKeyAction =
  | { type: "createServiceAccount"; orgId: string; name: string; role: string }
  | { type: "deleteServiceAccount"; orgId: string; userId: string }
  | { type: "createKey"; orgId: string; userId: string; name: string }
  | { type: "revokeKey"; orgId: string; keyId: string };

export interface ApiKeysProps extends ActionCallbacks<ApiKeyAction> {
  orgId: string;
  className?: string;
}

type OpenDialog =
  | { kind: "newKey"; name: string; key: string }
  | { kind: "revoke"; key: ApiKey }
  | { kind: "delete"; account: ServiceAccount };

/** Service accounts of an organization and their API keys; a new key is shown once, with a copy button. */
export function ApiKeys({ orgId, className, onBefore, onAfter }: ApiKeysProps) {
  const labels = useLabels();
  const ids = { heading: useId(), keysHeading: useId(), accountName: useId(), keyName: useId() };
  const headingRef = useRef<HTMLHeadingElement>(null);
  const permissions = usePermissions(orgId);
  const canManage = permissions.can("service_accounts:manage");
  const accounts = useServiceAccounts(orgId);
  const roles = useRoles(orgId);
  const [selected, setSelected] = useState<string | null>(null);
  const keys = useApiKeys(orgId, canManage ? selected : null);
  const createAccount = useCreateServiceAccount();
  const deleteAccount = useDeleteServiceAccount();
  const createKey = useCreateApiKey();
  const revokeKey = useRevokeApiKey();
  const action = useAction<ApiKeyAction>({ onBefore, onAfter });
  const [accountName, setAccountName] = useState("");
  const [accountRole, setAccountRole] = useState("member");
  const [keyName, setKeyName] = useState("");
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const busy = action.busy !== null;
  const account = accounts.data?.find((a) => a.userId === selected) ?? null;
  const roleName = (key: string) => roleLabel(labels, key, roles.data?.find((r) => r.key === key)?.name);
  const grantable = (roles.data ?? []).filter((r) => r.key !== "owner");

  const act = {
    createAccount: async () => {
      const name = accountName.trim();
      const result = await action.run(
        { type: "createServiceAccount", orgId, name, role: accountRole },
        "createAccount",
        () => createAccount.mutateAsync({ orgId, name, role: accountRole }),
        (created) => labels.serviceAccountCreated(created.name),
      );
      if (result.ok) {
        setAccountName("");
        setSelected(result.result.userId);
      }
    },
    deleteAccount: async (target: ServiceAccount) => {
      const result = await action.run(
        { type: "deleteServiceAccount", orgId, userId: target.userId },
        "deleteAccount",
        () => deleteAccount.mutateAsync({ orgId, userId: target.userId }),
        () => labels.serviceAccountDeleted(target.name),
      );
      if (result.ok) {
        setDialog(null);
        if (selected === target.userId) setSelected(null);
      }
    },
    createKey: async (target: ServiceAccount) => {
      const name = keyName.trim();
      const result = await action.run(
        { type: "createKey", orgId, userId: target.userId, name },
        "createKey",
        () => createKey.mutateAsync({ orgId, userId: target.userId, name }),
        (created) => labels.keyCreated(created.apiKey.name),
      );
      if (result.ok) {
        setKeyName("");
        setDialog({ kind: "newKey", name: result.result.apiKey.name, key: result.result.key });
      }
    },
    revokeKey: async (key: ApiKey) => {
      const result = await action.run(
        { type: "revokeKey", orgId, keyId: key.id },
        "revokeKey",
        () => revokeKey.mutateAsync({ orgId, keyId: key.id }),
        () => labels.keyRevoked(key.name),
      );
      if (result.ok) setDialog(null);
    },
  };

  const open = (next: OpenDialog | null) => {
    action.setOutcome(null);
    setDialog(next);
  };
  const dialogError = dialog && action.outcome?.tone === "error" ? action.outcome.text : null;
  const list = accounts.data ?? [];

  return (
    <section
      className={classNames("roster-widget roster-api-keys", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || accounts.isFetching || undefined}
    >
      <h2 id={ids.heading} ref={headingRef} tabIndex={-1} className="roster-heading">
        {labels.apiKeysTitle}
      </h2>
      <p className="roster-hint">{labels.serviceAccountsIntro}</p>

      {list.length > 0 ? (
        <table className="roster-table" aria-labelledby={ids.heading}>
          <thead>
            <tr>
              <th scope="col">{labels.columnName}</th>
              <th scope="col">{labels.columnRole}</th>
              <th scope="col">{labels.columnKeys}</th>
              <th scope="col">
                <span className="roster-visually-hidden">{labels.columnActions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.userId} className="roster-row" data-selected={a.userId === selected || undefined}>
                <td>
                  <span className="roster-name">{a.name}</span>
                  {a.description ? <span className="roster-hint"> {a.description}</span> : null}
                </td>
                <td>{roleName(a.role)}</td>
                <td>{labels.keyCount(a.keys)}</td>
                <td className="roster-actions">
                  {canManage ? (
                    <>
                      <button
                        type="button"
                        className="roster-button"
                        data-size="small"
                        aria-pressed={a.userId === selected}
                        aria-label={labels.showKeys(a.name)}
                        onClick={() => setSelected(a.userId === selected ? null : a.userId)}
                      >
                        {labels.columnKeys}
                      </button>
                      <button
                        type="button"
                        className="roster-button"
                        data-size="small"
                        data-variant="danger"
                        aria-label={labels.deleteServiceAccount(a.name)}
                        disabled={busy}
                        onClick={() => open({ kind: "delete", account: a })}
                      >
                        {labels.remove}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : accounts.isPending ? (
        <p className="roster-note" data-status="loading">
          {labels.loadingServiceAccounts}
        </p>
      ) : accounts.error ? (
        <div className="roster-error" data-status="error">
          <p>{errorMessage(accounts.error, labels)}</p>
          <button type="button" className="roster-button" onClick={() => accounts.refetch()}>
            {labels.retry}
          </button>
        </div>
      ) : (
        <p className="roster-note" data-status="empty">
          {labels.noServiceAccounts}
        </p>
      )}

      {canManage && account ? (
        <section className="roster-keys" aria-labelledby={ids.keysHeading}>
          <h3 id={ids.keysHeading} className="roster-subheading">
            {labels.keysOf(account.name)}
          </h3>
          {keys.data && keys.data.length > 0 ? (
            <table className="roster-table" aria-labelledby={ids.keysHeading}>
              <thead>
                <tr>
                  <th scope="col">{labels.columnName}</th>
                  <th scope="col">{labels.columnKey}</th>
                  <th scope="col">{labels.columnCreated}</th>
                  <th scope="col">{labels.columnLastUsed}</th>
                  <th scope="col">
                    <span className="roster-visually-hidden">{labels.columnActions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} className="roster-row" data-status={k.revokedAt ? "revoked" : "active"}>
                    <td className="roster-name">{k.name}</td>
                    <td>
                      <code className="roster-code">{k.masked}</code>
                    </td>
                    <td>
                      <time dateTime={k.createdAt}>{labels.formatDate(k.createdAt)}</time>
                    </td>
                    <td>{k.lastUsedAt ? labels.formatDate(k.lastUsedAt) : labels.never}</td>
                    <td className="roster-actions">
                      {k.revokedAt ? (
                        <span className="roster-badge" data-status="deactivated">
                          {labels.revokedOn(labels.formatDate(k.revokedAt))}
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="roster-button"
                          data-size="small"
                          data-variant="danger"
                          aria-label={labels.revokeKey(k.name)}
                          disabled={busy}
                          onClick={() => open({ kind: "revoke", key: k })}
                        >
                          {labels.revoke}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : keys.isPending ? (
            <p className="roster-note" data-status="loading">
              {labels.loading}
            </p>
          ) : (
            <p className="roster-note" data-status="empty">
              {labels.noKeys}
            </p>
          )}
          <form
            className="roster-form-row"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (keyName.trim()) void act.createKey(account);
            }}
          >
            <label className="roster-field" htmlFor={ids.keyName}>
              <span className="roster-label">{labels.keyName}</span>
              <input
                id={ids.keyName}
                className="roster-input"
                value={keyName}
                maxLength={100}
                placeholder={labels.keyNameHint}
                onChange={(e) => setKeyName(e.target.value)}
              />
            </label>
            <button
              type="submit"
              className="roster-button"
              data-variant="primary"
              disabled={busy || !keyName.trim()}
              aria-busy={action.busy === "createKey"}
            >
              {action.busy === "createKey" ? labels.working : labels.createKey}
            </button>
          </form>
        </section>
      ) : null}

      {canManage ? (
        <form
          className="roster-form-row"
          aria-label={labels.newServiceAccount}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (accountName.trim()) void act.createAccount();
          }}
        >
          <label className="roster-field" htmlFor={ids.accountName}>
            <span className="roster-label">{labels.serviceAccountName}</span>
            <input
              id={ids.accountName}
              className="roster-input"
              value={accountName}
              maxLength={100}
              onChange={(e) => setAccountName(e.target.value)}
            />
          </label>
          <label className="roster-field">
            <span className="roster-label">{labels.inviteRole}</span>
            <select
              className="roster-select"
              value={accountRole}
              onChange={(e) => setAccountRole(e.target.value)}
            >
              {grantable.map((r) => (
                <option key={r.key} value={r.key}>
                  {roleName(r.key)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="roster-button"
            disabled={busy || !accountName.trim()}
            aria-busy={action.busy === "createAccount"}
          >
            {action.busy === "createAccount" ? labels.working : labels.createServiceAccount}
          </button>
        </form>
      ) : permissions.data ? (
        <p className="roster-note">{labels.cannotManageKeys}</p>
      ) : null}

      <StatusRegion outcome={dialog ? null : action.outcome} busy={busy && !dialog} />

      {dialog?.kind === "newKey" ? (
        <NewKeyDialog
          name={dialog.name}
          secret={dialog.key}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
        />
      ) : dialog?.kind === "revoke" ? (
        <Dialog
          title={labels.revokeKeyTitle(dialog.key.name)}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
          onSubmit={() => void act.revokeKey(dialog.key)}
          actions={
            <ConfirmButtons
              label={labels.revoke}
              danger
              busy={action.busy === "revokeKey"}
              onCancel={() => setDialog(null)}
            />
          }
        >
          <p className="roster-dialog-text">{labels.revokeKeyBody}</p>
          <DialogError text={dialogError} />
        </Dialog>
      ) : dialog?.kind === "delete" ? (
        <Dialog
          title={labels.deleteServiceAccountTitle(dialog.account.name)}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
          onSubmit={() => void act.deleteAccount(dialog.account)}
          actions={
            <ConfirmButtons
              label={labels.remove}
              danger
              busy={action.busy === "deleteAccount"}
              onCancel={() => setDialog(null)}
            />
          }
        >
          <p className="roster-dialog-text">{labels.deleteServiceAccountBody}</p>
          <DialogError text={dialogError} />
        </Dialog>
      ) : null}
    </section>
  );
}

/** The only time a key's secret is on screen: copy it, or select it by hand. */
function NewKeyDialog(props: {
  name: string;
  secret: string;
  onClose: () => void;
  fallbackFocus: () => HTMLElement | null;
}) {
  const labels = useLabels();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog
      title={labels.newKeyTitle}
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      onSubmit={props.onClose}
      actions={
        <>
          <button type="button" className="roster-button" data-autofocus onClick={() => void copy()}>
            {labels.copyKey}
          </button>
          <button type="submit" className="roster-button" data-variant="primary">
            {labels.done}
          </button>
        </>
      }
    >
      <p className="roster-dialog-text">{labels.newKeyBody}</p>
      <label className="roster-field">
        <span className="roster-label">{props.name}</span>
        <input
          className="roster-input roster-code"
          value={props.secret}
          readOnly
          onFocus={(e) => e.target.select()}
        />
      </label>
      <p className="roster-hint" role="status">
        {copied === null ? null : copied ? labels.keyCopied : labels.keyNotCopied}
      </p>
    </Dialog>
  );
}
