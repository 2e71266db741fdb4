import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import {
  Button,
  Confirm,
  Empty,
  ErrorNote,
  Field,
  formatDate,
  ShownOnce,
  TableScroll,
  useErrorToast,
  useToast,
} from "../ui";

/** Provisioning: the SCIM connection an identity provider (Okta, Microsoft Entra ID) uses. */
export function ProvisioningPage({ orgId }: { orgId: string }) {
  return (
    <>
      <h1>Provisioning</h1>
      <ScimSettings orgId={orgId} />
    </>
  );
}

/** Copies a value people paste into their identity provider. */
function Copyable({ label, value }: { label: string; value: string }) {
  const toast = useToast();
  return (
    <div className="row">
      <span>
        {label}: <code data-testid={`copy-${label.toLowerCase().replace(/\W+/g, "-")}`}>{value}</code>
      </span>
      <Button
        tone="secondary"
        aria-label={`Copy ${label}`}
        onClick={() => {
          void navigator.clipboard?.writeText(value);
          toast("success", `${label} copied.`);
        }}
      >
        Copy
      </Button>
    </div>
  );
}

/**
 * SCIM tokens (created, shown once, revoked), the role provisioned members get, and which role each
 * group's members get. Also a section other pages may render.
 */
export function ScimSettings({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const connection = useQuery(trpc.scim.get.queryOptions({ orgId }));
  const roles = useQuery(trpc.roles.list.queryOptions({ orgId }));
  const [name, setName] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.scim.pathKey() });
  const create = useMutation(
    trpc.scim.createToken.mutationOptions({
      onSuccess: ({ token }) => {
        setShown(token);
        setName("");
        void refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.scim.revokeToken.mutationOptions({
      onSuccess: () => {
        setRevoking(null);
        toast("success", "Token revoked. Calls with it are refused from now on.");
        void refresh();
      },
      onError,
    }),
  );
  const setDefault = useMutation(
    trpc.scim.setDefaultRole.mutationOptions({
      onSuccess: () => {
        toast("success", "Default role saved.");
        void refresh();
      },
      onError,
    }),
  );
  const mapGroup = useMutation(
    trpc.scim.mapGroupRole.mutationOptions({
      onSuccess: () => {
        toast("success", "Group role saved.");
        void refresh();
      },
      onError,
    }),
  );
  const assignable = (roles.data ?? []).filter((r) => r.key !== "owner");
  const baseUrl = `${window.location.origin}/scim/v2`;
  return (
    <section className="card stack" aria-labelledby="scim-title">
      <h2 id="scim-title">SCIM provisioning</h2>
      <p className="muted">
        Your identity provider creates, updates, deactivates and removes members and groups here. Give it the
        base URL and a token. People it adds sign in through your identity provider, or set a password with
        “Forgot password”.
      </p>
      <Copyable label="Base URL" value={baseUrl} />
      {shown ? <ShownOnce label="SCIM token" value={shown} /> : null}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ orgId, name });
        }}
      >
        <Field
          label="Token name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Okta"
        />
        <Button type="submit" busy={create.isPending}>
          Create token
        </Button>
      </form>
      <ErrorNote error={create.error} />
      {connection.data?.tokens.length === 0 ? <Empty title="No SCIM tokens" /> : null}
      {connection.data && connection.data.tokens.length > 0 ? (
        <TableScroll label="SCIM tokens">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {connection.data.tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.masked}</code>
                  </td>
                  <td>{formatDate(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : "Never"}</td>
                  <td>
                    {t.revokedAt ? (
                      `Revoked ${formatDate(t.revokedAt)}`
                    ) : (
                      <Button tone="danger" onClick={() => setRevoking({ id: t.id, name: t.name })}>
                        Revoke {t.name}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <div className="field">
        <label htmlFor="scim-default-role">Role of provisioned members</label>
        <select
          id="scim-default-role"
          value={connection.data?.defaultRole ?? "member"}
          disabled={setDefault.isPending}
          onChange={(e) => setDefault.mutate({ orgId, role: e.target.value })}
        >
          {assignable.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <h3>Groups and roles</h3>
      <p className="muted">Members of a group with a role get it (the strongest, when in several groups).</p>
      {connection.data?.groups.length === 0 ? <Empty title="No groups yet" /> : null}
      <ul className="plain-list">
        {connection.data?.groups.map((g) => (
          <li key={g.groupId} className="row">
            <label htmlFor={`scim-group-${g.groupId}`}>
              {g.name}
              {g.provisioned ? " (from your identity provider)" : ""}
            </label>
            <select
              id={`scim-group-${g.groupId}`}
              value={g.role ?? ""}
              disabled={mapGroup.isPending}
              onChange={(e) => mapGroup.mutate({ orgId, groupId: g.groupId, role: e.target.value || null })}
            >
              <option value="">No role</option>
              {assignable.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.name}
                </option>
              ))}
            </select>
          </li>
        ))}
      </ul>
      <Confirm
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? "token"}?`}
        body="Your identity provider can no longer provision with it."
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ orgId, tokenId: revoking.id })}
        onCancel={() => setRevoking(null)}
      />
    </section>
  );
}
