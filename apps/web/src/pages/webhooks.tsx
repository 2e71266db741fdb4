import type { AppRouter } from "@roster/server";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useId, useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import {
  Button,
  Confirm,
  Empty,
  Field,
  FormNote,
  formatDateTime,
  formErrors,
  ShownOnce,
  TableScroll,
  useErrorToast,
  useToast,
} from "../ui";

/** An event type of the catalogue, as the server names it. */
type EventType = inferRouterOutputs<AppRouter>["webhooks"]["events"][number];

/** Which events an endpoint receives: every type of the catalogue, checked or not. */
function EventChecks({
  legend,
  catalogue,
  value,
  onChange,
  error,
}: {
  legend: string;
  catalogue: readonly EventType[];
  value: EventType[];
  onChange: (events: EventType[]) => void;
  /** Why the server refused the chosen events, said under them. */
  error?: string;
}) {
  const errorId = useId();
  return (
    <fieldset
      className="checks"
      aria-describedby={error ? errorId : undefined}
      data-invalid={error ? "" : undefined}
    >
      <legend>{legend}</legend>
      {catalogue.map((ev) => (
        <label key={ev}>
          <input
            type="checkbox"
            checked={value.includes(ev)}
            onChange={(e) => onChange(e.target.checked ? [...value, ev] : value.filter((x) => x !== ev))}
          />{" "}
          {ev}
        </label>
      ))}
      {error ? (
        <small id={errorId} className="field-error">
          {error}
        </small>
      ) : null}
    </fieldset>
  );
}

/** Webhook endpoints: add, edit, pause and re-enable, rotate the signing secret, test, read and replay deliveries. */
export function Webhooks({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions({ orgId }));
  const catalogue = useQuery(trpc.webhooks.events.queryOptions({ orgId }));
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventType[]>([]);
  const [shown, setShown] = useState<{ label: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; url: string; events: EventType[] } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: ({ secret }) => {
        setShown({ label: "Signing secret", value: secret });
        setUrl("");
        setEvents([]);
        void refresh();
      },
    }),
  );
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: (_, input) => {
        setEditing(null);
        toast(
          "success",
          input.enabled === true
            ? "Endpoint enabled."
            : input.enabled === false
              ? "Endpoint paused."
              : "Endpoint saved.",
        );
        void refresh();
      },
      // A refused edit is said in its form, beside its fields; a refused pause or re-enable by toast.
      onError: (e, input) => {
        if (!("url" in input)) onError(e);
      },
    }),
  );
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: ({ secret }) => {
        setShown({ label: "New signing secret", value: secret });
        void refresh();
      },
      onError,
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
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: () => {
        toast("success", "Delivery queued again.");
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
  const created = formErrors(create.error, ["url", "events"]);
  // Only a refused edit of the address or events belongs to the edit form; pausing reports by toast.
  const edited = formErrors(update.variables && "url" in update.variables ? update.error : null, [
    "url",
    "events",
  ]);
  return (
    <section className="card stack" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Signed events (HMAC-SHA256) for every change in the organization. A receiver that was down catches up
        from the events feed, starting after the last event id it received.
      </p>
      {shown ? <ShownOnce label={shown.label} value={shown.value} /> : null}
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
          maxLength={2000}
          error={created.field("url")}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/hooks/roster"
        />
        <EventChecks
          legend="Events"
          catalogue={catalogue.data ?? []}
          value={events}
          onChange={setEvents}
          error={created.field("events")}
        />
        <FormNote text={created.other} />
        <Button type="submit" busy={create.isPending}>
          Add endpoint
        </Button>
      </form>
      {endpoints.data?.length === 0 ? <Empty title="No webhook endpoints" /> : null}
      <ul className="plain-list">
        {endpoints.data?.map((ep) => (
          <li key={ep.id} className="stack" aria-label={ep.url}>
            <div className="row">
              <span>
                <code>{ep.url}</code> · {ep.status}
                {ep.disabledReason ? ` (${ep.disabledReason})` : ""} ·{" "}
                {ep.events.length === 1 ? "1 event" : `${ep.events.length} events`}
              </span>
              <span className="row">
                <Button
                  tone="secondary"
                  onClick={() =>
                    setEditing(
                      editing?.id === ep.id
                        ? null
                        : { id: ep.id, url: ep.url, events: [...ep.events] as EventType[] },
                    )
                  }
                  aria-expanded={editing?.id === ep.id}
                >
                  Edit
                </Button>
                <Button
                  tone="secondary"
                  busy={
                    update.isPending &&
                    update.variables?.endpointId === ep.id &&
                    "enabled" in update.variables
                  }
                  onClick={() => update.mutate({ orgId, endpointId: ep.id, enabled: ep.status !== "active" })}
                >
                  {ep.status === "active" ? "Pause" : "Re-enable"}
                </Button>
                <Button
                  tone="secondary"
                  busy={rotate.isPending && rotate.variables?.endpointId === ep.id}
                  onClick={() => rotate.mutate({ orgId, endpointId: ep.id })}
                >
                  Rotate secret
                </Button>
                <Button
                  tone="secondary"
                  busy={sendTest.isPending && sendTest.variables?.endpointId === ep.id}
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
            {editing?.id === ep.id ? (
              <form
                className="stack"
                aria-label={`Edit ${ep.url}`}
                onSubmit={(e) => {
                  e.preventDefault();
                  update.mutate({ orgId, endpointId: ep.id, url: editing.url, events: editing.events });
                }}
              >
                <Field
                  label="New endpoint URL"
                  type="url"
                  required
                  maxLength={2000}
                  error={edited.field("url")}
                  value={editing.url}
                  onChange={(e) => setEditing({ ...editing, url: e.target.value })}
                />
                <EventChecks
                  legend="Events sent to this endpoint"
                  catalogue={catalogue.data ?? []}
                  value={editing.events}
                  onChange={(next) => setEditing({ ...editing, events: next })}
                  error={edited.field("events")}
                />
                <FormNote text={edited.other} />
                <span className="row">
                  <Button type="submit" busy={update.isPending}>
                    Save endpoint
                  </Button>
                  <Button tone="secondary" onClick={() => setEditing(null)}>
                    Cancel
                  </Button>
                </span>
              </form>
            ) : null}
            {open === ep.id ? (
              <TableScroll label="Deliveries">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Event</th>
                      <th scope="col">Attempt</th>
                      <th scope="col">Result</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {deliveries.data?.items.map((d) => (
                      <tr key={d.id}>
                        <td>{formatDateTime(d.createdAt)}</td>
                        <td>{d.eventType}</td>
                        <td>{d.attempt}</td>
                        <td>
                          {d.ok ? `OK ${d.statusCode}` : `Failed ${d.statusCode ?? ""} ${d.error ?? ""}`}
                        </td>
                        <td>
                          <Button
                            tone="secondary"
                            busy={replay.isPending && replay.variables?.deliveryId === d.deliveryId}
                            onClick={() =>
                              replay.mutate({ orgId, endpointId: ep.id, deliveryId: d.deliveryId })
                            }
                          >
                            Replay
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
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
