import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
/** The shared cloud account every member's clusters use. The secret key is write-only. */
import { CLOUD_SECRET_KEY } from "../settings-keys";
import { useCan, useTRPC } from "../trpc";
import { Button, Empty, ErrorNote, Field, formatDate, ShownOnce, useErrorToast, useToast } from "../ui";
import { OrganizationSettings, RolesEditor } from "./settings-org";
import { Webhooks } from "./webhooks";

export function SettingsPage({ orgId }: { orgId: string }) {
  const can = useCan(orgId);
  return (
    <>
      <h1>Settings</h1>
      <OrganizationSettings orgId={orgId} canEdit={can("org:update")} />
      <CloudCredentials orgId={orgId} canWrite={can("settings:write")} />
      <RolesEditor orgId={orgId} canManage={can("roles:manage")} />
      {can("service_accounts:manage") ? <ServiceAccounts orgId={orgId} /> : null}
      {can("webhooks:manage") ? <Webhooks orgId={orgId} /> : null}
    </>
  );
}

function CloudCredentials({ orgId, canWrite }: { orgId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.list.queryOptions({ orgId }));
  const value = (key: string) => {
    const v = settings.data?.find((s) => s.key === key)?.value;
    return typeof v === "string" ? v : "";
  };
  const secret = settings.data?.find((s) => s.key === CLOUD_SECRET_KEY);
  const [provider, setProvider] = useState<string | undefined>();
  const [accessKey, setAccessKey] = useState<string | undefined>();
  const [secretKey, setSecretKey] = useState("");
  const set = useMutation(trpc.settings.set.mutationOptions());
  const setSecret = useMutation(trpc.settings.setSecret.mutationOptions());
  const busy = set.isPending || setSecret.isPending;
  const save = async () => {
    await set.mutateAsync({ orgId, key: "cloud.provider", value: provider ?? value("cloud.provider") });
    await set.mutateAsync({
      orgId,
      key: "cloud.access_key_id",
      value: accessKey ?? value("cloud.access_key_id"),
    });
    if (secretKey) await setSecret.mutateAsync({ orgId, key: CLOUD_SECRET_KEY, value: secretKey });
    setSecretKey("");
    toast("success", "Shared cloud credentials saved.");
    await queryClient.invalidateQueries({ queryKey: trpc.settings.pathKey() });
  };
  return (
    <form
      className="card stack"
      aria-labelledby="cloud-settings-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save().catch(() => {});
      }}
    >
      <h2 id="cloud-settings-title">Shared cloud credentials</h2>
      <p className="muted">
        Members use these for every cluster. The secret is stored encrypted and can be replaced, never read
        back.
      </p>
      <div className="row">
        <Field
          label="Cloud provider"
          disabled={!canWrite}
          value={provider ?? value("cloud.provider")}
          onChange={(e) => setProvider(e.target.value)}
          placeholder="aws"
        />
        <Field
          label="Access key id"
          disabled={!canWrite}
          value={accessKey ?? value("cloud.access_key_id")}
          onChange={(e) => setAccessKey(e.target.value)}
        />
      </div>
      <Field
        label="Secret access key"
        type="password"
        autoComplete="off"
        disabled={!canWrite}
        value={secretKey}
        onChange={(e) => setSecretKey(e.target.value)}
        placeholder={secret ? "•••••••• (set — type to replace)" : "Not set"}
        hint={
          secret
            ? `Set by ${secret.updatedBy?.name ?? "someone"} on ${formatDate(secret.updatedAt)}.`
            : undefined
        }
      />
      <ErrorNote error={set.error ?? setSecret.error} />
      {canWrite ? (
        <Button type="submit" busy={busy}>
          Save credentials
        </Button>
      ) : null}
    </form>
  );
}

function ServiceAccounts({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const accounts = useQuery(trpc.serviceAccounts.list.queryOptions({ orgId }));
  const [name, setName] = useState("");
  const [role, setRole] = useState("member");
  const [shown, setShown] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.serviceAccounts.pathKey() });
  const create = useMutation(
    trpc.serviceAccounts.create.mutationOptions({
      onSuccess: (a) => {
        toast("success", `Service account ${a.name} created.`);
        setName("");
        void refresh();
      },
    }),
  );
  const createKey = useMutation(
    trpc.serviceAccounts.createKey.mutationOptions({
      onSuccess: ({ key }) => {
        setShown(key);
        void refresh();
      },
      onError,
    }),
  );
  const revokeKey = useMutation(
    trpc.serviceAccounts.revokeKey.mutationOptions({
      onSuccess: () => {
        toast("success", "Key revoked.");
        void refresh();
      },
      onError,
    }),
  );
  const keys = useQuery(
    trpc.serviceAccounts.keys.queryOptions({ orgId, userId: open ?? "" }, { enabled: open !== null }),
  );
  return (
    <section className="card stack" aria-labelledby="sa-title">
      <h2 id="sa-title">Service accounts and API keys</h2>
      {shown ? <ShownOnce label="New API key" value={shown} /> : null}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ orgId, name, role });
        }}
      >
        <Field label="Service account name" required value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor="sa-role">Role</label>
          <select id="sa-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="viewer">Viewer</option>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <Button type="submit" busy={create.isPending}>
          Create service account
        </Button>
      </form>
      <ErrorNote error={create.error} />
      {accounts.data?.length === 0 ? <Empty title="No service accounts" /> : null}
      <ul className="plain-list">
        {accounts.data?.map((a) => (
          <li key={a.userId} className="stack">
            <div className="row">
              <span>
                <strong>{a.name}</strong> · {a.role} · {a.keys} key(s)
              </span>
              <span className="row">
                <Button
                  tone="secondary"
                  busy={createKey.isPending}
                  onClick={() => createKey.mutate({ orgId, userId: a.userId, name: "default" })}
                >
                  New key for {a.name}
                </Button>
                <Button
                  tone="secondary"
                  onClick={() => setOpen(open === a.userId ? null : a.userId)}
                  aria-expanded={open === a.userId}
                >
                  Keys
                </Button>
              </span>
            </div>
            {open === a.userId ? (
              <ul className="plain-list">
                {keys.data?.map((k) => (
                  <li key={k.id} className="row">
                    <code>{k.masked}</code>
                    <span className="muted">
                      {k.revokedAt
                        ? "revoked"
                        : k.lastUsedAt
                          ? `last used ${new Date(k.lastUsedAt).toLocaleString()}`
                          : "never used"}
                    </span>
                    {!k.revokedAt ? (
                      <Button
                        tone="danger"
                        busy={revokeKey.isPending}
                        onClick={() => revokeKey.mutate({ orgId, keyId: k.id })}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
