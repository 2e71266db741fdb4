import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import {
  Button,
  Empty,
  Field,
  FormNote,
  formatDateTime,
  formErrors,
  plural,
  ShownOnce,
  useErrorToast,
  useToast,
} from "../ui";
import type { SettingsSectionProps } from "./settings";

export function ServiceAccounts({ orgId }: SettingsSectionProps) {
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
  const errors = formErrors(create.error, ["name", "role"]);
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
        <Field
          label="Service account name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.field("name")}
        />
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
      <FormNote text={errors.field("role") ?? errors.other} />
      {accounts.data?.length === 0 ? <Empty title="No service accounts" /> : null}
      <ul className="plain-list">
        {accounts.data?.map((a) => (
          <li key={a.userId} className="stack">
            <div className="row">
              <span>
                <strong>{a.name}</strong> · {a.role} · {plural(a.keys, "key", "keys")}
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
                          ? `last used ${formatDateTime(k.lastUsedAt)}`
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
