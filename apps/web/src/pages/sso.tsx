import { defaultMessages, type WidgetErrorReason } from "@roster/widgets";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, ErrorNote, Field, useToast } from "../ui";

/** Single sign-on: the sign-in page's "Continue with SSO" and the organization's connection settings. */

const query = () => new URLSearchParams(window.location.search);

/** Sends the browser to the identity provider of the organization that verified the address's domain. */
export function ContinueWithSso({ email }: { email: string }) {
  const trpc = useTRPC();
  const start = useMutation(
    trpc.sso.start.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }),
  );
  const next = query().get("next");
  const returned = query().get("sso_error");
  const returnedMessage = returned
    ? (defaultMessages[returned as WidgetErrorReason] ?? "Single sign-on did not complete. Try again.")
    : null;
  return (
    <>
      {returnedMessage && !start.error ? (
        <p className="error-note" role="alert">
          {returnedMessage}
        </p>
      ) : null}
      <ErrorNote error={start.error} />
      <Button
        tone="secondary"
        busy={start.isPending}
        onClick={() => start.mutate({ email, ...(next?.startsWith("/") ? { returnTo: next } : {}) })}
      >
        Continue with SSO
      </Button>
    </>
  );
}

function CopyValue({ label, value }: { label: string; value: string }) {
  return (
    <div className="row">
      <Field label={label} readOnly value={value} onFocus={(e) => e.target.select()} />
      <Button
        tone="secondary"
        aria-label={`Copy ${label}`}
        onClick={() => void navigator.clipboard?.writeText(value)}
      >
        Copy
      </Button>
    </div>
  );
}

/** The organization's identity provider: set up OIDC or SAML, test it, enforce it. */
export function SsoSettings({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.sso.get.queryOptions({ orgId }));
  const connection = settings.data?.connection ?? null;
  const sp = settings.data?.serviceProvider;
  const [protocol, setProtocol] = useState<"oidc" | "saml" | undefined>();
  const [issuer, setIssuer] = useState<string | undefined>();
  const [clientId, setClientId] = useState<string | undefined>();
  const [clientSecret, setClientSecret] = useState("");
  const [entityId, setEntityId] = useState<string | undefined>();
  const [ssoUrl, setSsoUrl] = useState<string | undefined>();
  const [certificate, setCertificate] = useState<string | undefined>();
  const [defaultRole, setDefaultRole] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sso.get.queryKey({ orgId }) });
  const configure = useMutation(
    trpc.sso.configure.mutationOptions({
      onSuccess: async () => {
        setClientSecret("");
        toast("success", "Single sign-on connection saved.");
        await refresh();
      },
    }),
  );
  const enforce = useMutation(trpc.sso.setEnforcement.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.sso.delete.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(
    trpc.sso.test.mutationOptions({ onSuccess: ({ url }) => void window.open(url, "_blank", "noopener") }),
  );
  if (!sp) return null;

  const chosen = protocol ?? connection?.protocol ?? "oidc";
  const role = defaultRole ?? connection?.defaultRole ?? "member";
  const tested = query().get("sso_test");
  const save = () =>
    chosen === "oidc"
      ? configure.mutate({
          orgId,
          protocol: "oidc",
          issuer: issuer ?? connection?.oidc?.issuer ?? "",
          clientId: clientId ?? connection?.oidc?.clientId ?? "",
          ...(clientSecret ? { clientSecret } : {}),
          defaultRole: role,
        })
      : configure.mutate({
          orgId,
          protocol: "saml",
          entityId: entityId ?? connection?.saml?.entityId ?? "",
          ssoUrl: ssoUrl ?? connection?.saml?.ssoUrl ?? "",
          certificate: certificate ?? connection?.saml?.certificate ?? "",
          defaultRole: role,
        });
  return (
    <form
      className="card stack"
      aria-labelledby="sso-title"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <h2 id="sso-title">Single sign-on</h2>
      <p className="muted">
        People on this organization's verified domains sign in through your identity provider; the first
        sign-in adds them as members with the default role.
      </p>
      {tested === "ok" ? (
        <p className="notice" role="status">
          Test sign-in succeeded{query().get("sso_email") ? ` for ${query().get("sso_email")}` : ""}.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="sso-protocol">Protocol</label>
        <select
          id="sso-protocol"
          value={chosen}
          onChange={(e) => setProtocol(e.target.value as "oidc" | "saml")}
        >
          <option value="oidc">OpenID Connect</option>
          <option value="saml">SAML 2.0</option>
        </select>
      </div>
      {chosen === "oidc" ? (
        <>
          <CopyValue label="Redirect URI" value={sp.redirectUri} />
          <Field
            label="Issuer URL"
            type="url"
            required
            value={issuer ?? connection?.oidc?.issuer ?? ""}
            onChange={(e) => setIssuer(e.target.value)}
          />
          <Field
            label="Client ID"
            required
            value={clientId ?? connection?.oidc?.clientId ?? ""}
            onChange={(e) => setClientId(e.target.value)}
          />
          <Field
            label="Client secret"
            type="password"
            autoComplete="off"
            hint={connection?.oidc?.clientSecretSet ? "Stored encrypted; leave empty to keep it." : undefined}
            value={clientSecret}
            onChange={(e) => setClientSecret(e.target.value)}
          />
        </>
      ) : (
        <>
          <CopyValue label="ACS URL" value={sp.acsUrl} />
          <CopyValue label="Entity ID" value={sp.entityId} />
          <CopyValue label="Metadata URL" value={sp.metadataUrl} />
          <Field
            label="Identity provider entity ID"
            required
            value={entityId ?? connection?.saml?.entityId ?? ""}
            onChange={(e) => setEntityId(e.target.value)}
          />
          <Field
            label="Identity provider sign-in URL"
            type="url"
            required
            value={ssoUrl ?? connection?.saml?.ssoUrl ?? ""}
            onChange={(e) => setSsoUrl(e.target.value)}
          />
          <div className="field">
            <label htmlFor="sso-certificate">Signing certificate</label>
            <textarea
              id="sso-certificate"
              required
              rows={4}
              value={certificate ?? connection?.saml?.certificate ?? ""}
              onChange={(e) => setCertificate(e.target.value)}
            />
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor="sso-role">Role of people who join through single sign-on</label>
        <select id="sso-role" value={role} onChange={(e) => setDefaultRole(e.target.value)}>
          <option value="viewer">Viewer</option>
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
      </div>
      <ErrorNote error={configure.error ?? test.error ?? enforce.error ?? remove.error} />
      <div className="row">
        <Button type="submit" busy={configure.isPending}>
          {connection ? "Save connection" : "Connect identity provider"}
        </Button>
        {connection ? (
          <>
            <Button tone="secondary" busy={test.isPending} onClick={() => test.mutate({ orgId })}>
              Test connection
            </Button>
            <Button tone="danger" busy={remove.isPending} onClick={() => remove.mutate({ orgId })}>
              Remove connection
            </Button>
          </>
        ) : null}
      </div>
      {connection ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={connection.enforced}
            disabled={enforce.isPending}
            onChange={(e) => enforce.mutate({ orgId, enforced: e.target.checked })}
          />{" "}
          Members on this organization's domains must use single sign-on (owners may still use their password,
          to recover if the provider fails)
        </label>
      ) : null}
    </form>
  );
}
