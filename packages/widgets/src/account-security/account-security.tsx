import { useId, useRef, useState } from "react";
import { errorMessage, errorReason } from "../errors.js";
import {
  useConfirmTotp,
  useDisableTotp,
  useRegenerateRecoveryCodes,
  useRevokeOtherSessions,
  useRevokeSession,
  useSessions,
  useStartTotp,
  useTwoFactorStatus,
} from "../hooks/account-security.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { ConfirmButtons, Dialog, DialogError } from "../ui/dialog.js";
import { SectionState } from "../ui/section-state.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";
import { sessionDevice } from "./device.js";
import { LinkedAccountsSection } from "./linked-accounts.js";
import { PasskeySection } from "./passkeys.js";
import { PasswordSection } from "./password.js";

export type AccountSecurityAction =
  | { type: "startTotp" }
  | { type: "confirmTotp" }
  | { type: "disableTotp" }
  | { type: "regenerateRecoveryCodes" }
  | { type: "revokeSession"; sessionId: string }
  | { type: "revokeOtherSessions" }
  | { type: "addPasskey" }
  | { type: "renamePasskey"; passkeyId: string }
  | { type: "removePasskey"; passkeyId: string }
  | { type: "changePassword" }
  | { type: "linkIdentity"; provider: "google" | "github" | "microsoft" }
  | { type: "unlinkIdentity"; provider: "google" | "github" | "microsoft"; subject: string };

export interface AccountSecurityProps extends ActionCallbacks<AccountSecurityAction> {
  className?: string;
  /**
   * Sends the browser to a provider's sign-in page to link that provider (Roster brings it back to
   * its own account page afterwards). Default: `window.location.assign(url)`.
   */
  navigate?: (url: string) => void;
}

const assignLocation = (url: string) => window.location.assign(url);

type Enrolling = { secret: string; uri: string; qrSvg: string };
type CodeDialog = "disable" | "regenerate";

/**
 * The signed-in person's own account security: their password (changed with the current one),
 * two-factor sign-in with an authenticator app (set up from a QR code, confirmed with a code, then
 * ten recovery codes shown once; turned off or given new recovery codes with a current code),
 * passkeys (added, renamed, removed), linked Google, GitHub and Microsoft accounts (linked,
 * unlinked), and the sessions signed in, each of which can be signed out. These are account-level
 * changes: they need the person's own Roster session, so an embed token is answered with a sentence
 * saying where to make them instead.
 */
export function AccountSecurity({
  className,
  onBefore,
  onAfter,
  navigate = assignLocation,
}: AccountSecurityProps) {
  const labels = useLabels();
  const ids = { heading: useId(), twoFactor: useId(), sessions: useId(), code: useId(), dialogCode: useId() };
  const headingRef = useRef<HTMLHeadingElement>(null);
  const status = useTwoFactorStatus();
  const embedded = errorReason(status.error) === "EMBED_SCOPE_MISSING";
  const sessions = useSessions(status.isSuccess);
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const regenerate = useRegenerateRecoveryCodes();
  const revoke = useRevokeSession();
  const revokeOthers = useRevokeOtherSessions();
  const action = useAction<AccountSecurityAction>({ onBefore, onAfter });
  const [enrolling, setEnrolling] = useState<Enrolling | null>(null);
  const [code, setCode] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [dialog, setDialog] = useState<CodeDialog | null>(null);
  const [dialogCode, setDialogCode] = useState("");
  const [dialogError, setDialogError] = useState<string | null>(null);
  const busy = action.busy !== null;

  const frame = (children: React.ReactNode) => (
    <section
      className={classNames("roster-widget roster-account-security", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || status.isFetching || undefined}
    >
      <h2 id={ids.heading} ref={headingRef} tabIndex={-1} className="roster-heading">
        {labels.accountSecurityTitle}
      </h2>
      {children}
    </section>
  );

  if (embedded)
    return frame(
      <p className="roster-note" data-status="forbidden">
        {labels.securityNeedsSession}
      </p>,
    );
  if (status.isPending || status.error)
    return frame(
      <SectionState
        error={status.error}
        loadingText={labels.loadingSecurity}
        onRetry={() => status.refetch()}
      />,
    );

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      action.setOutcome({ tone: "success", text: labels.copied });
    } catch {
      action.setOutcome({ tone: "error", text });
    }
  };
  const closeDialog = () => {
    setDialog(null);
    setDialogCode("");
    setDialogError(null);
  };

  const act = {
    start: async () => {
      setRecoveryCodes(null);
      const result = await action.run(
        { type: "startTotp" },
        "start",
        () => start.mutateAsync(),
        () => labels.scanQrCode,
      );
      if (result.ok) setEnrolling(result.result);
    },
    confirm: async () => {
      const result = await action.run(
        { type: "confirmTotp" },
        "confirm",
        () => confirm.mutateAsync({ code: code.trim() }),
        () => labels.authenticatorAdded,
      );
      if (result.ok) {
        setEnrolling(null);
        setCode("");
        setRecoveryCodes(result.result.recoveryCodes);
      }
    },
    dialog: async (which: CodeDialog) => {
      const input = { code: dialogCode.trim() };
      const result =
        which === "disable"
          ? await action.run(
              { type: "disableTotp" },
              "disable",
              () => disable.mutateAsync(input).then(() => null),
              () => labels.twoFactorDisabled,
            )
          : await action.run(
              { type: "regenerateRecoveryCodes" },
              "regenerate",
              () => regenerate.mutateAsync(input).then((r) => r.recoveryCodes),
              () => labels.recoveryCodesRegenerated,
            );
      if (result.ok) {
        closeDialog();
        setRecoveryCodes(result.result);
      } else if ("error" in result) setDialogError(errorMessage(result.error, labels));
    },
    revoke: (sessionId: string, device: string) =>
      action.run(
        { type: "revokeSession", sessionId },
        `revoke:${sessionId}`,
        () => revoke.mutateAsync({ sessionId }),
        () => labels.sessionEnded(device),
      ),
    revokeOthers: () =>
      action.run(
        { type: "revokeOtherSessions" },
        "revokeOthers",
        () => revokeOthers.mutateAsync(),
        (r) => labels.othersSignedOut(r.endedSessions),
      ),
  };

  const factors = status.data;
  const list = sessions.data ?? [];
  const others = list.filter((s) => !s.current);

  return frame(
    <>
      <PasswordSection action={action} />

      <section className="roster-profile-section" aria-labelledby={ids.twoFactor}>
        <h3 id={ids.twoFactor} className="roster-subheading">
          {labels.twoFactorTitle}{" "}
          <span className="roster-badge" data-status={factors.enabled ? "active" : "expired"}>
            {factors.enabled ? labels.twoFactorOn : labels.twoFactorOff}
          </span>
        </h3>
        <p className="roster-hint">{factors.enabled ? labels.twoFactorOnText : labels.twoFactorOffText}</p>
        {factors.totp ? (
          <p className="roster-hint">{labels.recoveryCodesLeft(factors.recoveryCodesLeft)}</p>
        ) : null}

        {recoveryCodes ? (
          <div className="roster-recovery-codes">
            <h4 className="roster-label">{labels.recoveryCodesTitle}</h4>
            <p className="roster-hint">{labels.recoveryCodesText}</p>
            <ul className="roster-code-list" aria-label={labels.recoveryCodesTitle}>
              {recoveryCodes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ul>
            <div className="roster-invitation-actions">
              <button
                type="button"
                className="roster-button"
                onClick={() => void copy(recoveryCodes.join("\n"))}
              >
                {labels.copyRecoveryCodes}
              </button>
              <button
                type="button"
                className="roster-button"
                data-variant="primary"
                onClick={() => {
                  setRecoveryCodes(null);
                  action.setOutcome(null);
                  headingRef.current?.focus();
                }}
              >
                {labels.savedRecoveryCodes}
              </button>
            </div>
          </div>
        ) : null}

        {enrolling ? (
          <form
            className="roster-enroll"
            onSubmit={(e) => {
              e.preventDefault();
              void act.confirm();
            }}
          >
            <p className="roster-hint">{labels.scanQrCode}</p>
            <img
              className="roster-qr"
              width={180}
              height={180}
              alt={labels.qrCodeAlt}
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolling.qrSvg)}`}
            />
            <dl className="roster-record">
              <div className="roster-record-line">
                <dt>{labels.secretKey}</dt>
                <dd>
                  <code data-secret>{enrolling.secret}</code>{" "}
                  <button
                    type="button"
                    className="roster-button"
                    data-size="small"
                    onClick={() => void copy(enrolling.secret)}
                  >
                    {labels.copySecret}
                  </button>
                </dd>
              </div>
            </dl>
            <div className="roster-toolbar">
              <label className="roster-field" htmlFor={ids.code}>
                <span className="roster-label">{labels.authenticatorCode}</span>
                <input
                  id={ids.code}
                  className="roster-input"
                  value={code}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  onChange={(e) => setCode(e.target.value)}
                />
              </label>
              <button
                type="submit"
                className="roster-button"
                data-variant="primary"
                disabled={busy || code.trim().length < 6}
                aria-busy={action.busy === "confirm"}
              >
                {labels.confirmAuthenticator}
              </button>
              <button
                type="button"
                className="roster-button"
                disabled={busy}
                onClick={() => setEnrolling(null)}
              >
                {labels.cancel}
              </button>
            </div>
          </form>
        ) : factors.totp ? (
          <div className="roster-invitation-actions">
            {(["regenerate", "disable"] as const).map((which) => (
              <button
                key={which}
                type="button"
                className="roster-button"
                data-variant={which === "disable" ? "danger" : undefined}
                disabled={busy}
                onClick={() => {
                  action.setOutcome(null);
                  setDialog(which);
                }}
              >
                {which === "disable" ? labels.disableTwoFactor : labels.regenerateRecoveryCodes}
              </button>
            ))}
          </div>
        ) : (
          <button
            type="button"
            className="roster-button"
            data-variant="primary"
            disabled={busy}
            aria-busy={action.busy === "start"}
            onClick={() => void act.start()}
          >
            {labels.setUpAuthenticator}
          </button>
        )}
      </section>

      <PasskeySection action={action} />

      <LinkedAccountsSection action={action} navigate={navigate} />

      <section className="roster-profile-section" aria-labelledby={ids.sessions}>
        <h3 id={ids.sessions} className="roster-subheading">
          {labels.sessionsTitle}
        </h3>
        {sessions.isPending || sessions.error ? (
          <SectionState
            error={sessions.error}
            loadingText={labels.loadingSessions}
            onRetry={() => sessions.refetch()}
          />
        ) : (
          <>
            <ul className="roster-domain-list">
              {list.map((s) => {
                const device = sessionDevice(s.userAgent, labels);
                return (
                  <li key={s.id} className="roster-domain" data-current={s.current || undefined}>
                    <span className="roster-session-device" title={s.userAgent ?? undefined}>
                      {device}
                    </span>{" "}
                    {s.current ? (
                      <span className="roster-badge" data-status="active">
                        {labels.thisDevice}
                      </span>
                    ) : null}
                    <span className="roster-hint">
                      {labels.sessionSeen(labels.formatDateTime(s.lastSeenAt))}
                    </span>
                    {s.current ? null : (
                      <button
                        type="button"
                        className="roster-button"
                        data-size="small"
                        disabled={busy}
                        aria-busy={action.busy === `revoke:${s.id}`}
                        onClick={() => void act.revoke(s.id, device)}
                      >
                        {labels.signOutSession(device)}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
            {others.length > 0 ? (
              <button
                type="button"
                className="roster-button"
                data-variant="danger"
                disabled={busy}
                aria-busy={action.busy === "revokeOthers"}
                onClick={() => void act.revokeOthers()}
              >
                {labels.signOutOthers}
              </button>
            ) : (
              <p className="roster-note" data-status="empty">
                {labels.noOtherSessions}
              </p>
            )}
          </>
        )}
      </section>

      <StatusRegion outcome={action.outcome} busy={busy} />

      {dialog ? (
        <Dialog
          title={dialog === "disable" ? labels.disableTwoFactor : labels.regenerateRecoveryCodes}
          onClose={closeDialog}
          fallbackFocus={() => headingRef.current}
          onSubmit={() => void act.dialog(dialog)}
          actions={
            <ConfirmButtons
              label={dialog === "disable" ? labels.disableTwoFactor : labels.regenerateRecoveryCodes}
              busy={action.busy === dialog}
              danger={dialog === "disable"}
              disabled={dialogCode.trim().length < 6}
              onCancel={closeDialog}
            />
          }
        >
          <p>{dialog === "disable" ? labels.disableTwoFactorText : labels.regenerateRecoveryCodesText}</p>
          <label className="roster-field" htmlFor={ids.dialogCode}>
            <span className="roster-label">{labels.codeOrRecoveryCode}</span>
            <input
              id={ids.dialogCode}
              className="roster-input"
              value={dialogCode}
              autoComplete="one-time-code"
              maxLength={32}
              onChange={(e) => setDialogCode(e.target.value)}
            />
          </label>
          <DialogError text={dialogError} />
        </Dialog>
      ) : null}
    </>,
  );
}
