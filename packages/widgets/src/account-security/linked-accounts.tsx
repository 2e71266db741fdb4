import { useId } from "react";
import {
  useIdentities,
  useLinkIdentity,
  useSocialProviders,
  useUnlinkIdentity,
} from "../hooks/account-security.js";
import { useLabels } from "../provider.js";
import { SectionState } from "../ui/section-state.js";
import type { useAction } from "../ui/use-action.js";
import type { AccountSecurityAction } from "./account-security.js";

type Action = ReturnType<typeof useAction<AccountSecurityAction>>;

/**
 * The Google, GitHub and Microsoft accounts linked to the person's account inside AccountSecurity:
 * each listed with its address and when it was linked, and unlinked (Roster refuses the last way to
 * sign in); a button links each provider this Roster offers that is not linked yet, by sending the
 * browser to the provider (`navigate`). Shown only when there is something to list or to link.
 */
export function LinkedAccountsSection({
  action,
  navigate,
}: {
  action: Action;
  navigate: (url: string) => void;
}) {
  const labels = useLabels();
  const heading = useId();
  const identities = useIdentities();
  const providers = useSocialProviders();
  const link = useLinkIdentity();
  const unlink = useUnlinkIdentity();
  const busy = action.busy !== null;

  const linked = identities.data ?? [];
  const linkable = (providers.data ?? []).filter((p) => !linked.some((i) => i.provider === p.id));
  if (identities.isSuccess && providers.isSuccess && linked.length === 0 && linkable.length === 0)
    return null;

  const startLink = async (provider: (typeof linkable)[number]) => {
    const result = await action.run(
      { type: "linkIdentity", provider: provider.id },
      `link:${provider.id}`,
      () => link.mutateAsync({ provider: provider.id }),
      () => labels.openingProvider(provider.name),
    );
    if (result.ok) navigate(result.result.url);
  };

  return (
    <section className="roster-profile-section" aria-labelledby={heading}>
      <h3 id={heading} className="roster-subheading">
        {labels.linkedAccountsTitle}
      </h3>
      <p className="roster-hint">{labels.linkedAccountsIntro}</p>
      {identities.isPending || identities.error ? (
        <SectionState
          error={identities.error}
          loadingText={labels.loadingLinkedAccounts}
          onRetry={() => identities.refetch()}
        />
      ) : linked.length === 0 ? (
        <p className="roster-note" data-status="empty">
          {labels.noLinkedAccounts}
        </p>
      ) : (
        <ul className="roster-domain-list" aria-label={labels.linkedAccountsTitle}>
          {linked.map((i) => (
            <li key={`${i.provider}:${i.subject}`} className="roster-domain">
              <span>
                <strong>{i.providerName}</strong> {i.email}
              </span>
              <span className="roster-hint">{labels.identityLinkedOn(labels.formatDate(i.createdAt))}</span>
              <div className="roster-invitation-actions">
                <button
                  type="button"
                  className="roster-button"
                  data-size="small"
                  data-variant="danger"
                  disabled={busy}
                  aria-busy={action.busy === `unlink:${i.provider}:${i.subject}`}
                  onClick={() =>
                    void action.run(
                      { type: "unlinkIdentity", provider: i.provider, subject: i.subject },
                      `unlink:${i.provider}:${i.subject}`,
                      () => unlink.mutateAsync({ provider: i.provider, subject: i.subject }),
                      () => labels.identityUnlinked(i.providerName, i.email),
                    )
                  }
                >
                  {labels.unlinkIdentity(i.providerName)}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {linkable.length > 0 ? (
        <div className="roster-invitation-actions">
          {linkable.map((p) => (
            <button
              key={p.id}
              type="button"
              className="roster-button"
              disabled={busy}
              aria-busy={action.busy === `link:${p.id}`}
              onClick={() => void startLink(p)}
            >
              {labels.linkProvider(p.name)}
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}
