import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmEmailNotice } from "../confirm-email";
import { describeDevice } from "../device";
import { useMutation } from "../mutation";
import { Link, useRouter } from "../router";
import { useTRPC } from "../trpc";
import {
  AuthCard,
  Button,
  ErrorNote,
  Field,
  FormNote,
  formatDateTime,
  formErrors,
  Loading,
  plural,
  useErrorToast,
  useToast,
} from "../ui";
import { LinkedAccounts, PasskeySettings, TwoFactorSettings } from "./account-security";
import { DeleteAccount } from "./delete-account";

export function AccountPage() {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const [name, setName] = useState<string | undefined>(undefined);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [email, setEmail] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() });
  const profile = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: () => {
        toast("success", "Your name is saved.");
        void refresh();
      },
      onError,
    }),
  );
  const password = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: ({ endedSessions }) => {
        toast(
          "success",
          `Password changed. ${plural(endedSessions, "other session was", "other sessions were")} signed out.`,
        );
        setCurrent("");
        setNext("");
        void refresh();
      },
    }),
  );
  const changeEmail = useMutation(
    trpc.auth.changeEmail.mutationOptions({
      onSuccess: ({ pendingEmail }) => toast("success", `We sent a confirmation link to ${pendingEmail}.`),
    }),
  );

  const revoke = useMutation(trpc.auth.revokeSession.mutationOptions({ onSuccess: refresh, onError }));
  const revokeOthers = useMutation(
    trpc.auth.revokeOtherSessions.mutationOptions({ onSuccess: refresh, onError }),
  );
  if (!me.data) return <Loading />;
  const user = me.data.user;
  return (
    <main className="page narrow">
      <p>
        <Link href="/">← Back</Link>
      </p>
      <h1>Your account</h1>
      {!user.emailVerified ? <ConfirmEmailNotice email={user.email} /> : null}
      <form
        className="card stack"
        aria-labelledby="profile-title"
        onSubmit={(e) => {
          e.preventDefault();
          profile.mutate({ name: name ?? user.name });
        }}
      >
        <h2 id="profile-title">Profile</h2>
        <Field label="Name" value={name ?? user.name} onChange={(e) => setName(e.target.value)} required />
        <Button type="submit" busy={profile.isPending}>
          Save
        </Button>
      </form>
      <form
        className="card stack"
        aria-labelledby="email-title"
        onSubmit={(e) => {
          e.preventDefault();
          changeEmail.mutate({ email });
        }}
      >
        <h2 id="email-title">Email address</h2>
        <p className="muted">
          Now: {user.email}. A new address takes effect once you follow the link we send to it.
        </p>
        <Field
          label="New email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <ErrorNote error={changeEmail.error} />
        <Button type="submit" busy={changeEmail.isPending}>
          Change email
        </Button>
      </form>
      <form
        className="card stack"
        aria-labelledby="password-title"
        onSubmit={(e) => {
          e.preventDefault();
          password.mutate({ current, next });
        }}
      >
        <h2 id="password-title">Password</h2>
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <ErrorNote error={password.error} />
        <Button type="submit" busy={password.isPending}>
          Change password
        </Button>
      </form>
      <TwoFactorSettings />
      <PasskeySettings />
      <LinkedAccounts />
      <section className="card stack" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <ul className="plain-list">
          {sessions.data?.map((s) => (
            <li key={s.id} className="row">
              <span>
                <span title={s.userAgent ?? undefined}>{describeDevice(s.userAgent)}</span> ·{" "}
                {s.ip ?? "unknown IP"} · signed in with{" "}
                {s.authMethod.replaceAll("+", " and ").replaceAll("_", " ")} · last seen{" "}
                {formatDateTime(s.lastSeenAt)}
                {s.current ? <strong> (this device)</strong> : null}
              </span>
              {!s.current ? (
                <Button
                  tone="secondary"
                  busy={revoke.isPending}
                  onClick={() => revoke.mutate({ sessionId: s.id })}
                >
                  Sign out
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        <Button tone="secondary" busy={revokeOthers.isPending} onClick={() => revokeOthers.mutate()}>
          Sign out all other sessions
        </Button>
      </section>
      <DeleteAccount email={user.email} />
    </main>
  );
}

export function CreateOrganizationPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.orgs.create.mutationOptions({
      onSuccess: async (org) => {
        await queryClient.invalidateQueries({ queryKey: trpc.orgs.list.queryKey() });
        navigate(`/orgs/${org.id}`);
      },
    }),
  );
  const errors = formErrors(create.error, ["name"]);
  return (
    <AuthCard id="create-org-title" title="Create an organization" onSubmit={() => create.mutate({ name })}>
      <Field
        label="Organization name"
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.field("name")}
      />
      <FormNote text={errors.other} />
      <Button type="submit" busy={create.isPending}>
        Create
      </Button>
      <p className="auth-links">
        <Link href="/">Cancel</Link>
      </p>
    </AuthCard>
  );
}
