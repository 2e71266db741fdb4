import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { CLOUD_SECRET_KEY } from "../settings-keys";
import { useTRPC } from "../trpc";
import { Button, Field, formatDate, formErrors, Loading, useToast } from "../ui";
import type { SettingsSectionProps } from "./settings";

const PROVIDER = "cloud.provider";
const ACCESS_KEY = "cloud.access_key_id";

export function CloudCredentials({ orgId, can }: SettingsSectionProps) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const canWrite = can("settings:write");
  const settings = useQuery(trpc.settings.list.queryOptions({ orgId }));
  const value = (key: string) => {
    const v = settings.data?.find((s) => s.key === key)?.value;
    return typeof v === "string" ? v : "";
  };
  const secret = settings.data?.find((s) => s.key === CLOUD_SECRET_KEY);
  const [provider, setProvider] = useState<string | undefined>();
  const [accessKey, setAccessKey] = useState<string | undefined>();
  const [secretKey, setSecretKey] = useState("");
  // Which field the request in flight saves, so that a refusal is shown next to that field.
  const [saving, setSaving] = useState<string | null>(null);
  const set = useMutation(trpc.settings.set.mutationOptions());
  const setSecret = useMutation(trpc.settings.setSecret.mutationOptions());
  const busy = set.isPending || setSecret.isPending;
  const save = async () => {
    setSaving(PROVIDER);
    await set.mutateAsync({ orgId, key: PROVIDER, value: provider ?? value(PROVIDER) });
    setSaving(ACCESS_KEY);
    await set.mutateAsync({ orgId, key: ACCESS_KEY, value: accessKey ?? value(ACCESS_KEY) });
    setSaving(CLOUD_SECRET_KEY);
    if (secretKey) await setSecret.mutateAsync({ orgId, key: CLOUD_SECRET_KEY, value: secretKey });
    setSaving(null);
    setSecretKey("");
    toast("success", "Shared cloud credentials saved.");
    await queryClient.invalidateQueries({ queryKey: trpc.settings.pathKey() });
  };
  const errors = formErrors(set.error ?? setSecret.error, ["value"]);
  const errorFor = (key: string) => (saving === key ? errors.field("value") : undefined);
  const secretNote = secret
    ? `Set by ${secret.updatedBy?.name ?? "someone"} on ${formatDate(secret.updatedAt)}.`
    : undefined;
  if (settings.isPending) return <Loading />;

  if (!canWrite) {
    return (
      <section className="card stack" aria-labelledby="cloud-settings-title">
        <h2 id="cloud-settings-title">Shared cloud credentials</h2>
        <p className="muted">
          Members use these for every cluster. Your role can read them, not change them.
        </p>
        <dl className="details">
          <dt>Cloud provider</dt>
          <dd>{value(PROVIDER) || "Not set"}</dd>
          <dt>Access key id</dt>
          <dd>{value(ACCESS_KEY) || "Not set"}</dd>
          <dt>Secret access key</dt>
          <dd>{secretNote ?? "Not set"}</dd>
        </dl>
      </section>
    );
  }

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
          maxLength={40}
          value={provider ?? value(PROVIDER)}
          onChange={(e) => setProvider(e.target.value)}
          placeholder="aws"
          error={errorFor(PROVIDER)}
        />
        <Field
          label="Access key id"
          maxLength={128}
          value={accessKey ?? value(ACCESS_KEY)}
          onChange={(e) => setAccessKey(e.target.value)}
          error={errorFor(ACCESS_KEY)}
        />
      </div>
      <Field
        label="Secret access key"
        type="password"
        autoComplete="off"
        maxLength={256}
        value={secretKey}
        onChange={(e) => setSecretKey(e.target.value)}
        placeholder={secret ? "•••••••• (set — type to replace)" : "Not set"}
        hint={secretNote}
        error={errorFor(CLOUD_SECRET_KEY)}
      />
      {errors.other ? (
        <p className="error-note" role="alert">
          {errors.other}
        </p>
      ) : null}
      <Button type="submit" busy={busy}>
        Save credentials
      </Button>
    </form>
  );
}
