import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useCan, useTRPC } from "../trpc";
import { Button, Confirm, Empty, ErrorNote, Field, formatDate, useErrorToast, useToast } from "../ui";
import { OrganizationSettings, RolesEditor } from "./settings-org";

/** The shared cloud account every member's clusters use. The secret key is write-only. */
export const CLOUD_SECRET_KEY = "cloud.secret_access_key";

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

function ShownOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="notice" role="status">
      <span>
        {label} (shown once — copy it now): <code data-testid="shown-once">{value}</code>
      </span>
      <Button tone="secondary" onClick={() => void navigator.clipboard?.writeText(value)}>
        Copy
      </Button>
    </div>
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

function Webhooks({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions({ orgId }));
  const catalogue = useQuery(trpc.webhooks.events.queryOptions({ orgId }));
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<NonNullable<typeof catalogue.data>>([]);
  const [shown, setShown] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: ({ secret }) => {
        setShown(secret);
        setUrl("");
        setEvents([]);
        void refresh();
      },
    }),
  );
  const sendTest = useMutation(
    trpc.webhooks.sendTest.mutationOptions({
      onSuccess: () => {
        toast("success", "Test event queued.");
        void refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        toast("success", "Endpoint deleted.");
        void refresh();
      },
      onError,
    }),
  );
  const deliveries = useQuery(
    trpc.webhooks.deliveries.queryOptions(
      { orgId, endpointId: open ?? "", limit: 20 },
      { enabled: open !== null, refetchInterval: 3000 },
    ),
  );
  return (
    <section className="card stack" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Signed events (HMAC-SHA256) when members join, change role, are deactivated or removed, and when
        resources change.
      </p>
      {shown ? <ShownOnce label="Signing secret" value={shown} /> : null}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ orgId, url, events });
        }}
      >
        <Field
          label="Endpoint URL"
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/hooks/roster"
        />
        <fieldset className="checks">
          <legend>Events</legend>
          {catalogue.data?.map((ev) => (
            <label key={ev}>
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />{" "}
              {ev}
            </label>
          ))}
        </fieldset>
        <ErrorNote error={create.error} />
        <Button type="submit" busy={create.isPending}>
          Add endpoint
        </Button>
      </form>
      {endpoints.data?.length === 0 ? <Empty title="No webhook endpoints" /> : null}
      <ul className="plain-list">
        {endpoints.data?.map((ep) => (
          <li key={ep.id} className="stack">
            <div className="row">
              <span>
                <code>{ep.url}</code> · {ep.status}
                {ep.disabledReason ? ` (${ep.disabledReason})` : ""} · {ep.events.length} event(s)
              </span>
              <span className="row">
                <Button
                  tone="secondary"
                  busy={sendTest.isPending}
                  onClick={() => sendTest.mutate({ orgId, endpointId: ep.id })}
                >
                  Send test event
                </Button>
                <Button
                  tone="secondary"
                  aria-expanded={open === ep.id}
                  onClick={() => setOpen(open === ep.id ? null : ep.id)}
                >
                  Delivery log
                </Button>
                <Button tone="danger" onClick={() => setDeleting(ep.id)}>
                  Delete
                </Button>
              </span>
            </div>
            {open === ep.id ? (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Event</th>
                      <th scope="col">Attempt</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {deliveries.data?.items.map((d) => (
                      <tr key={d.id}>
                        <td>{new Date(d.createdAt).toLocaleString()}</td>
                        <td>{d.eventType}</td>
                        <td>{d.attempt}</td>
                        <td>
                          {d.ok ? `OK ${d.statusCode}` : `Failed ${d.statusCode ?? ""} ${d.error ?? ""}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <Confirm
        open={deleting !== null}
        title="Delete this endpoint?"
        body="It stops receiving events at once."
        confirmLabel="Delete endpoint"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ orgId, endpointId: deleting })}
      />
    </section>
  );
}
