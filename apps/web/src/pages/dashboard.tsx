import { AcceptBanner, JoinOrganization } from "@roster/widgets";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmEmailNotice } from "../confirm-email";
import { newIdempotencyKey, useMutation } from "../mutation";
import { clusterListInput, usageRange } from "../preload";
import { Link, useRouter } from "../router";
import { CLOUD_SECRET_KEY } from "../settings-keys";
import { trpcClient, useCan, useTRPC } from "../trpc";
import {
  Button,
  Confirm,
  Empty,
  ErrorNote,
  Field,
  FormNote,
  formatDate,
  formErrors,
  Loading,
  TableScroll,
  useErrorToast,
  useToast,
} from "../ui";
import { BarChart, monthSeries } from "./chart";

type Cluster = {
  id: string;
  name: string;
  state: "running" | "stopped" | "terminated";
  owner: { id: string; name: string } | null;
  updatedAt: string;
};

/** The organization's shared dashboard: shared cloud account, clusters, credits and usage. */
export function DashboardPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const { navigate } = useRouter();
  const queryClient = useQueryClient();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  const can = useCan(orgId);
  const me = useQuery(trpc.auth.me.queryOptions());
  const user = me.data?.user;
  return (
    <>
      {/* An unconfirmed address sees no invitations yet: the note says why and resends the link. */}
      {user && !user.emailVerified ? (
        <ConfirmEmailNotice email={user.email} />
      ) : (
        <AcceptBanner
          onAccepted={async ({ orgId: joined }: { orgId: string }) => {
            await queryClient.invalidateQueries();
            navigate(`/orgs/${joined}`);
          }}
        />
      )}
      <JoinOrganization />
      <h1>{org.data?.name ?? "Dashboard"}</h1>
      <div className="grid-2">
        {can("settings:read") ? <CloudAccount orgId={orgId} canWrite={can("settings:write")} /> : null}
        {can("usage:read") ? <Credits orgId={orgId} canGrant={can("credits:manage")} /> : null}
      </div>
      {can("resources:read") ? (
        <Clusters orgId={orgId} canCreate={can("resources:create")} canOperate={can("resources:operate")} />
      ) : null}
      {can("usage:read") ? <UsageCharts orgId={orgId} /> : null}
    </>
  );
}

function CloudAccount({ orgId, canWrite }: { orgId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.list.queryOptions({ orgId }));
  const secret = settings.data?.find((s) => s.key === CLOUD_SECRET_KEY);
  const provider = settings.data?.find((s) => s.key === "cloud.provider")?.value;
  return (
    <section className="card stack" aria-labelledby="cloud-title" data-state={secret ? "set" : "unset"}>
      <h2 id="cloud-title">Shared cloud account</h2>
      {settings.isPending ? <Loading /> : null}
      {secret ? (
        <p>
          <strong>Credentials are set</strong>
          {typeof provider === "string" ? ` for ${provider}` : ""}
          {secret.updatedBy ? ` by ${secret.updatedBy.name}` : ""} on {formatDate(secret.updatedAt)}. Every
          member's clusters use them; nobody needs their own.
        </p>
      ) : settings.isSuccess ? (
        <p>No cloud credentials yet. {canWrite ? "Add them in settings." : "Ask an admin to add them."}</p>
      ) : null}
      {canWrite ? <Link href={`/orgs/${orgId}/settings/credentials`}>Manage credentials</Link> : null}
    </section>
  );
}

function Credits({ orgId, canGrant }: { orgId: string; canGrant: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const balance = useQuery(trpc.usage.balance.queryOptions({ orgId }));
  const [amount, setAmount] = useState("100");
  // One key per intended grant: a double click or a resent request grants once.
  const [grantKey, setGrantKey] = useState(newIdempotencyKey);
  const grant = useMutation(
    trpc.usage.grantCredits.mutationOptions({
      onSuccess: () => {
        setGrantKey(newIdempotencyKey());
        toast("success", `${amount} credits added.`);
        void queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() });
      },
    }),
  );
  const granted = formErrors(grant.error, ["amount", "reason"]);
  return (
    <section className="card stack" aria-labelledby="credits-title">
      <h2 id="credits-title">Credits</h2>
      {balance.data ? (
        <>
          <p className="stat">
            {balance.data.balance.toLocaleString()} <span className="visually-hidden">credits left</span>
          </p>
          <p className="muted">
            {balance.data.granted.toLocaleString()} granted · {balance.data.consumed.toLocaleString()} used
          </p>
          {balance.data.balance <= 0 ? (
            <p className="notice" role="alert" data-credits="exhausted">
              {balance.data.startWithoutCredits
                ? "Credits have run out. Clusters still start, and their running time takes the balance below zero until credits are added."
                : "Credits have run out. Clusters cannot be started until credits are added."}
            </p>
          ) : null}
        </>
      ) : (
        <Loading />
      )}
      {canGrant ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            grant.mutate({
              orgId,
              amount: Number(amount),
              reason: "Added from the dashboard",
              idempotencyKey: grantKey,
            });
          }}
        >
          <Field
            label="Credits to add"
            type="number"
            min={1}
            error={granted.field("amount")}
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value);
              setGrantKey(newIdempotencyKey());
            }}
          />
          <Button type="submit" tone="secondary" busy={grant.isPending}>
            Add credits
          </Button>
        </form>
      ) : null}
      <FormNote text={granted.field("reason") ?? granted.other} />
    </section>
  );
}

function Clusters({
  orgId,
  canCreate,
  canOperate,
}: {
  orgId: string;
  canCreate: boolean;
  canOperate: boolean;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const clusters = useQuery(trpc.resources.list.queryOptions(clusterListInput(orgId)));
  const [name, setName] = useState("");
  const [createKey, setCreateKey] = useState(newIdempotencyKey);
  const [terminating, setTerminating] = useState<Cluster | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.resources.pathKey() });
  const create = useMutation(
    trpc.resources.register.mutationOptions({
      onSuccess: (c) => {
        toast("success", `Cluster ${c.name} is running.`);
        setName("");
        setCreateKey(newIdempotencyKey());
        void refresh();
      },
    }),
  );
  const operated = (verb: string) => (c: { name: string }) => {
    toast("success", `Cluster ${c.name} ${verb}.`);
    void refresh();
    void queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() });
  };
  const start = useMutation(
    trpc.resources.start.mutationOptions({ onSuccess: operated("started"), onError }),
  );
  const terminate = useMutation(
    trpc.resources.terminate.mutationOptions({
      onSuccess: (c) => {
        setTerminating(null);
        operated("terminated")(c);
      },
      onError: (e) => {
        setTerminating(null);
        onError(e);
      },
    }),
  );
  // The server charges the running time to the cluster's owner when it stops, whoever presses Stop.
  const stop = useMutation({
    mutationFn: (c: Cluster) => trpcClient.resources.stop.mutate({ orgId, resourceId: c.id }),
    onSuccess: operated("stopped"),
    onError,
  });
  const items = (clusters.data?.items ?? []) as Cluster[];
  return (
    <section className="card stack" aria-labelledby="clusters-title">
      <h2 id="clusters-title">Clusters</h2>
      {canCreate ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ orgId, type: "cluster", name, state: "running", idempotencyKey: createKey });
          }}
        >
          <Field
            label="New cluster name"
            required
            maxLength={120}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setCreateKey(newIdempotencyKey());
            }}
          />
          <Button type="submit" busy={create.isPending}>
            Create cluster
          </Button>
        </form>
      ) : null}
      <ErrorNote error={create.error} />
      {clusters.isPending ? <Loading /> : null}
      {clusters.isSuccess && items.length === 0 ? (
        <Empty title="No clusters yet">
          {canCreate ? <p>Create one above; every member of the organization shares it.</p> : null}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <TableScroll label="Clusters">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Owner</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-cluster={c.name}>
                  <td>{c.name}</td>
                  <td>
                    <span className="badge" data-state={c.state}>
                      {c.state}
                    </span>
                  </td>
                  <td>{c.owner?.name ?? "—"}</td>
                  <td>
                    <div className="row">
                      {canOperate && c.state === "stopped" ? (
                        <Button
                          tone="secondary"
                          busy={start.isPending}
                          onClick={() => start.mutate({ orgId, resourceId: c.id })}
                        >
                          Start {c.name}
                        </Button>
                      ) : null}
                      {canOperate && c.state === "running" ? (
                        <Button tone="secondary" busy={stop.isPending} onClick={() => stop.mutate(c)}>
                          Stop {c.name}
                        </Button>
                      ) : null}
                      {canOperate && c.state !== "terminated" ? (
                        <Button tone="danger" onClick={() => setTerminating(c)}>
                          Terminate {c.name}
                        </Button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <Confirm
        open={terminating !== null}
        title={`Terminate ${terminating?.name ?? "cluster"}?`}
        body="A terminated cluster cannot be started again."
        confirmLabel="Terminate"
        busy={terminate.isPending}
        onCancel={() => setTerminating(null)}
        onConfirm={() => terminating && terminate.mutate({ orgId, resourceId: terminating.id })}
      />
    </section>
  );
}

/** Each chart's title names the grouping the select shows. */
const groupTitles = {
  member: "Credits by member",
  workspace: "Credits by workspace",
  resource: "Credits by cluster",
} as const;

function UsageCharts({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const [groupBy, setGroupBy] = useState<"member" | "workspace" | "resource">("member");
  // Fixed once per visit: a range recomputed on each render would be a new query every time.
  const [range] = useState(usageRange);
  const byGroup = useQuery(trpc.usage.report.queryOptions({ orgId, groupBy, period: "month", ...range }));
  const byMonth = useQuery(
    trpc.usage.report.queryOptions({ orgId, groupBy: "organization", period: "month", ...range }),
  );
  const groups = new Map<string, number>();
  for (const row of byGroup.data?.rows ?? []) {
    const label = row.label ?? (groupBy === "workspace" ? "No workspace" : "Unassigned");
    groups.set(label, (groups.get(label) ?? 0) + row.credits);
  }
  const months = monthSeries(byMonth.data?.rows ?? [], new Date(range.from), 6);
  return (
    <section className="card stack" aria-labelledby="usage-title">
      <div className="row">
        <h2 id="usage-title">Usage (credits, last 6 months)</h2>
        <div className="field" style={{ flex: "0 0 200px" }}>
          <label htmlFor="usage-group">Group by</label>
          <select
            id="usage-group"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as typeof groupBy)}
          >
            <option value="member">Member</option>
            <option value="workspace">Workspace</option>
            <option value="resource">Cluster</option>
          </select>
        </div>
      </div>
      {byGroup.isPending ? <Loading /> : null}
      <p className="muted">
        A cluster's running time is charged to its owner when it stops, whoever presses Stop.
      </p>
      {byGroup.isSuccess && groups.size === 0 ? <Empty title="No usage recorded yet" /> : null}
      <div className="grid-2">
        {groups.size > 0 ? <BarChart title={groupTitles[groupBy]} data={[...groups]} /> : null}
        {groups.size > 0 ? <BarChart title="Credits by month" data={months} /> : null}
      </div>
    </section>
  );
}
