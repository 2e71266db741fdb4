import { type PublicKeyCredentialCreationOptionsJSON, startRegistration } from "@simplewebauthn/browser";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, ErrorNote, Field, formatDate, useErrorToast, useToast } from "../ui";
import { socialErrorMessage } from "./social";

/** After a change to two-factor, everything that depends on it (the session, the organizations) is read again. */
function useRefreshAll() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries();
}

/** The authenticator app (TOTP): set up with a QR code and a first code, recovery codes, turning off. */
export function TwoFactorSettings() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAll();
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const [code, setCode] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const start = useMutation(trpc.twoFactor.startTotp.mutationOptions());
  const queryClient = useQueryClient();
  // The recovery codes stay on screen until put away: only then is the rest of the app (which a
  // two-factor policy may have held back) read again.
  const confirm = useMutation(
    trpc.twoFactor.confirmTotp.mutationOptions({
      onSuccess: (result) => {
        setRecoveryCodes(result.recoveryCodes);
        setCode("");
        start.reset();
        void queryClient.invalidateQueries({ queryKey: trpc.twoFactor.pathKey() });
      },
    }),
  );
  const disable = useMutation(
    trpc.twoFactor.disableTotp.mutationOptions({
      onSuccess: () => {
        toast("success", "The authenticator app is turned off.");
        setCode("");
        void refresh();
      },
    }),
  );
  const regenerate = useMutation(
    trpc.twoFactor.regenerateRecoveryCodes.mutationOptions({
      onSuccess: (result) => {
        setRecoveryCodes(result.recoveryCodes);
        setCode("");
        void queryClient.invalidateQueries({ queryKey: trpc.twoFactor.pathKey() });
      },
    }),
  );
  if (!status.data) return null;
  const enrolling = start.data;
  return (
    <section className="card stack" aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      {recoveryCodes ? (
        <div className="notice stack" role="status">
          <p>
            Recovery codes (shown once — keep them somewhere safe). Each signs you in once if you lose your
            phone.
          </p>
          <ul className="plain-list" aria-label="Recovery codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <Button
            tone="secondary"
            onClick={() => {
              setRecoveryCodes(null);
              void refresh();
            }}
          >
            I saved them
          </Button>
        </div>
      ) : null}
      {status.data.totp ? (
        <form
          className="stack"
          aria-label="Change the authenticator app"
          onSubmit={(e) => {
            e.preventDefault();
            disable.mutate({ code });
          }}
        >
          <p>
            On. {status.data.recoveryCodesLeft} recovery code(s) left. Enter a current code to turn it off or
            to make new recovery codes.
          </p>
          <Field
            label="Current code"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <ErrorNote error={disable.error ?? regenerate.error} />
          <div className="row">
            <Button tone="secondary" busy={regenerate.isPending} onClick={() => regenerate.mutate({ code })}>
              New recovery codes
            </Button>
            <Button type="submit" tone="danger" busy={disable.isPending}>
              Turn off
            </Button>
          </div>
        </form>
      ) : enrolling ? (
        <form
          className="stack"
          aria-label="Set up an authenticator app"
          onSubmit={(e) => {
            e.preventDefault();
            confirm.mutate({ code });
          }}
        >
          <p>Scan this QR code with your authenticator app, then enter the 6-digit code it shows.</p>
          <img
            className="qr-code"
            width={200}
            height={200}
            alt="QR code to add Roster to your authenticator app"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolling.qrSvg)}`}
          />
          <p className="muted">
            Or type this key into the app: <code data-testid="totp-secret">{enrolling.secret}</code>
          </p>
          <Field
            label="Code from the app"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <ErrorNote error={confirm.error} />
          <Button type="submit" busy={confirm.isPending}>
            Turn on
          </Button>
        </form>
      ) : (
        <>
          <p className="muted">
            Sign in with a code from an app on your phone as well as your password, so a stolen password is
            not enough.
          </p>
          <ErrorNote error={start.error} />
          <Button busy={start.isPending} onClick={() => start.mutate()}>
            Set up an authenticator app
          </Button>
        </>
      )}
    </section>
  );
}

/** Passkeys: added from this browser (or a phone), named, renamed and removed. */
export function PasskeySettings() {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const refresh = useRefreshAll();
  const passkeys = useQuery(trpc.passkeys.list.queryOptions());
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const start = useMutation(trpc.passkeys.startRegistration.mutationOptions());
  const finish = useMutation(trpc.passkeys.finishRegistration.mutationOptions());
  const rename = useMutation(
    trpc.passkeys.rename.mutationOptions({
      onSuccess: () => {
        setRenaming(null);
        void refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.passkeys.remove.mutationOptions({
      onSuccess: () => {
        toast("success", "Passkey removed.");
        void refresh();
      },
      onError,
    }),
  );
  const add = async () => {
    setCancelled(false);
    const { challengeId, options } = await start.mutateAsync();
    const response = await startRegistration({
      optionsJSON: options as PublicKeyCredentialCreationOptionsJSON,
    }).catch(() => null);
    if (!response) return setCancelled(true);
    await finish.mutateAsync({ challengeId, response, ...(name.trim() ? { name: name.trim() } : {}) });
    setName("");
    toast("success", "Passkey added.");
    await refresh();
  };
  return (
    <section className="card stack" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p className="muted">Sign in with your fingerprint, face or device PIN instead of a password.</p>
      <ul className="plain-list" aria-label="Your passkeys">
        {passkeys.data?.map((p) => (
          <li key={p.id} className="row" aria-label={p.name}>
            {renaming?.id === p.id ? (
              <>
                <Field
                  label="Passkey name"
                  value={renaming.name}
                  onChange={(e) => setRenaming({ id: p.id, name: e.target.value })}
                />
                <Button
                  busy={rename.isPending}
                  onClick={() => rename.mutate({ passkeyId: p.id, name: renaming.name })}
                >
                  Save
                </Button>
              </>
            ) : (
              <>
                <span>
                  <strong>{p.name}</strong> · added {formatDate(p.createdAt)}
                  {p.lastUsedAt ? ` · last used ${formatDate(p.lastUsedAt)}` : ""}
                </span>
                <Button tone="secondary" onClick={() => setRenaming({ id: p.id, name: p.name })}>
                  Rename
                </Button>
                <Button
                  tone="danger"
                  busy={remove.isPending}
                  onClick={() => remove.mutate({ passkeyId: p.id })}
                >
                  Remove
                </Button>
              </>
            )}
          </li>
        ))}
      </ul>
      <form
        className="row"
        aria-label="Add a passkey"
        onSubmit={(e) => {
          e.preventDefault();
          void add().catch(() => {});
        }}
      >
        <Field
          label="New passkey name"
          placeholder="Work laptop"
          maxLength={60}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Button type="submit" busy={start.isPending || finish.isPending}>
          Add a passkey
        </Button>
      </form>
      <ErrorNote error={start.error ?? finish.error} />
      {cancelled ? (
        <p className="error-note" role="alert">
          No passkey was made. Try again when your device asks.
        </p>
      ) : null}
    </section>
  );
}

/**
 * Linked accounts: the Google, GitHub and Microsoft identities that sign in to this account; link
 * another (through the provider, back here with `?linked=` or `?social_error=`), unlink one while
 * another way to sign in remains.
 */
export function LinkedAccounts() {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const refresh = useRefreshAll();
  const providers = useQuery(trpc.auth.socialProviders.queryOptions());
  const identities = useQuery(trpc.auth.identities.queryOptions());
  const link = useMutation(
    trpc.auth.linkIdentity.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }),
  );
  const unlink = useMutation(
    trpc.auth.unlinkIdentity.mutationOptions({
      onSuccess: () => {
        toast("success", "Account unlinked.");
        void refresh();
      },
      onError,
    }),
  );
  const linked = new URLSearchParams(window.location.search).get("linked");
  const linkedName = providers.data?.find((p) => p.id === linked)?.name;
  const refused = socialErrorMessage();
  if (!providers.data?.length && !identities.data?.length) return null;
  return (
    <section className="card stack" aria-labelledby="linked-accounts-title">
      <h2 id="linked-accounts-title">Linked accounts</h2>
      <p className="muted">Sign in with these accounts as well as your password or passkeys.</p>
      {linkedName ? <p role="status">Your {linkedName} account is linked.</p> : null}
      {refused ? (
        <p className="error-note" role="alert">
          {refused}
        </p>
      ) : null}
      <ul className="plain-list" aria-label="Your linked accounts">
        {identities.data?.map((i) => (
          <li key={`${i.provider}:${i.subject}`} className="row" aria-label={`${i.providerName} ${i.email}`}>
            <span>
              <strong>{i.providerName}</strong> · {i.email} · linked {formatDate(i.createdAt)}
              {i.lastSignInAt ? ` · last used ${formatDate(i.lastSignInAt)}` : ""}
            </span>
            <Button
              tone="danger"
              busy={unlink.isPending}
              aria-label={`Unlink ${i.providerName} ${i.email}`}
              onClick={() => unlink.mutate({ provider: i.provider, subject: i.subject })}
            >
              Unlink
            </Button>
          </li>
        ))}
      </ul>
      {identities.data?.length === 0 ? <p className="muted">No linked accounts yet.</p> : null}
      <div className="row">
        {providers.data?.map((p) => (
          <Button
            key={p.id}
            tone="secondary"
            busy={link.isPending}
            onClick={() => link.mutate({ provider: p.id })}
          >
            Link {p.name}
          </Button>
        ))}
      </div>
      <ErrorNote error={link.error} />
    </section>
  );
}
