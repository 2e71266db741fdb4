import { useId, useState } from "react";
import {
  useFinishPasskeyRegistration,
  usePasskeys,
  useRemovePasskey,
  useRenamePasskey,
  useStartPasskeyRegistration,
} from "../hooks/account-security.js";
import { useLabels } from "../provider.js";
import { SectionState } from "../ui/section-state.js";
import type { useAction } from "../ui/use-action.js";
import type { AccountSecurityAction } from "./account-security.js";

type Action = ReturnType<typeof useAction<AccountSecurityAction>>;

/**
 * The person's passkeys inside AccountSecurity: added from this browser (the WebAuthn library is
 * loaded only when one is added), renamed, removed. Outcomes go to the widget's one status region.
 */
export function PasskeySection({ action }: { action: Action }) {
  const labels = useLabels();
  const ids = { heading: useId(), name: useId(), rename: useId() };
  const passkeys = usePasskeys();
  const start = useStartPasskeyRegistration();
  const finish = useFinishPasskeyRegistration();
  const rename = useRenamePasskey();
  const remove = useRemovePasskey();
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const busy = action.busy !== null;

  const add = async () => {
    const result = await action.run(
      { type: "addPasskey" },
      "addPasskey",
      async () => {
        const { challengeId, options } = await start.mutateAsync();
        const { startRegistration } = await import("@simplewebauthn/browser");
        const response = await startRegistration({
          optionsJSON: options as Parameters<typeof startRegistration>[0]["optionsJSON"],
        }).catch(() => null);
        if (!response) return false;
        await finish.mutateAsync({ challengeId, response, ...(name.trim() ? { name: name.trim() } : {}) });
        return true;
      },
      (added) => (added ? labels.passkeyAdded : labels.passkeyCancelled),
    );
    if (result.ok && result.result) setName("");
  };

  return (
    <section className="roster-profile-section" aria-labelledby={ids.heading}>
      <h3 id={ids.heading} className="roster-subheading">
        {labels.passkeysTitle}
      </h3>
      <p className="roster-hint">{labels.passkeysIntro}</p>
      {passkeys.isPending || passkeys.error ? (
        <SectionState
          error={passkeys.error}
          loadingText={labels.loadingPasskeys}
          onRetry={() => passkeys.refetch()}
        />
      ) : passkeys.data.length === 0 ? (
        <p className="roster-note" data-status="empty">
          {labels.noPasskeys}
        </p>
      ) : (
        <ul className="roster-domain-list" aria-label={labels.passkeysTitle}>
          {passkeys.data.map((p) => (
            <li key={p.id} className="roster-domain">
              {renaming?.id === p.id ? (
                <form
                  className="roster-toolbar"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    const next = renaming.name.trim();
                    const result = await action.run(
                      { type: "renamePasskey", passkeyId: p.id },
                      `rename:${p.id}`,
                      () => rename.mutateAsync({ passkeyId: p.id, name: next }),
                      () => labels.passkeyRenamed(next),
                    );
                    if (result.ok) setRenaming(null);
                  }}
                >
                  <label className="roster-field" htmlFor={ids.rename}>
                    <span className="roster-label">{labels.passkeyName(p.name)}</span>
                    <input
                      id={ids.rename}
                      className="roster-input"
                      value={renaming.name}
                      maxLength={60}
                      onChange={(e) => setRenaming({ id: p.id, name: e.target.value })}
                    />
                  </label>
                  <button type="submit" className="roster-button" data-variant="primary" disabled={busy}>
                    {labels.savePasskeyName}
                  </button>
                  <button type="button" className="roster-button" onClick={() => setRenaming(null)}>
                    {labels.cancel}
                  </button>
                </form>
              ) : (
                <>
                  <strong>{p.name}</strong>
                  <span className="roster-hint">
                    {labels.passkeyDates(
                      labels.formatDate(p.createdAt),
                      p.lastUsedAt ? labels.formatDate(p.lastUsedAt) : null,
                    )}
                  </span>
                  <div className="roster-invitation-actions">
                    <button
                      type="button"
                      className="roster-button"
                      data-size="small"
                      disabled={busy}
                      onClick={() => setRenaming({ id: p.id, name: p.name })}
                    >
                      {labels.renamePasskey(p.name)}
                    </button>
                    <button
                      type="button"
                      className="roster-button"
                      data-size="small"
                      data-variant="danger"
                      disabled={busy}
                      aria-busy={action.busy === `remove:${p.id}`}
                      onClick={() =>
                        void action.run(
                          { type: "removePasskey", passkeyId: p.id },
                          `remove:${p.id}`,
                          () => remove.mutateAsync({ passkeyId: p.id }),
                          () => labels.passkeyRemoved(p.name),
                        )
                      }
                    >
                      {labels.removePasskey(p.name)}
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="roster-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="roster-field" htmlFor={ids.name}>
          <span className="roster-label">{labels.newPasskeyName}</span>
          <input
            id={ids.name}
            className="roster-input"
            value={name}
            maxLength={60}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="roster-button"
          disabled={busy}
          aria-busy={action.busy === "addPasskey"}
        >
          {labels.addPasskey}
        </button>
      </form>
    </section>
  );
}
