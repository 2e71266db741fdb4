import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, Confirm, ErrorNote, Field, TableScroll, useErrorToast, useToast } from "../ui";

export function OrganizationSettings({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  const [name, setName] = useState<string | undefined>();
  const [slug, setSlug] = useState<string | undefined>();
  const update = useMutation(
    trpc.orgs.update.mutationOptions({
      onSuccess: () => {
        toast("success", "Organization saved.");
        void queryClient.invalidateQueries({ queryKey: trpc.orgs.pathKey() });
      },
    }),
  );
  if (!org.data) return null;
  return (
    <form
      className="card stack"
      aria-labelledby="org-settings-title"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ orgId, name: name ?? org.data.name, slug: slug ?? org.data.slug });
      }}
    >
      <h2 id="org-settings-title">Organization</h2>
      <Field
        label="Name"
        required
        disabled={!canEdit}
        value={name ?? org.data.name}
        onChange={(e) => setName(e.target.value)}
      />
      <Field
        label="URL name"
        required
        disabled={!canEdit}
        hint="Lowercase letters, digits and hyphens."
        value={slug ?? org.data.slug}
        onChange={(e) => setSlug(e.target.value)}
      />
      <p className="muted">
        {org.data.memberCount} member(s){org.data.seatLimit ? ` of ${org.data.seatLimit} seats` : ""}.
      </p>
      <ErrorNote error={update.error} />
      {canEdit ? (
        <Button type="submit" busy={update.isPending}>
          Save
        </Button>
      ) : null}
    </form>
  );
}

export function RolesEditor({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const roles = useQuery(trpc.roles.list.queryOptions({ orgId }));
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey({ orgId }) });
  const create = useMutation(
    trpc.roles.create.mutationOptions({
      onSuccess: (role) => {
        toast("success", `Role ${role.name} created.`);
        setKey("");
        setName("");
        setChosen([]);
        void refresh();
      },
    }),
  );
  const update = useMutation(trpc.roles.update.mutationOptions({ onSuccess: () => refresh(), onError }));
  const remove = useMutation(
    trpc.roles.delete.mutationOptions({
      onSuccess: () => {
        toast("success", "Role deleted.");
        setDeleting(null);
        void refresh();
      },
      onError: (e) => {
        setDeleting(null);
        onError(e);
      },
    }),
  );
  // The owner role holds every permission: its list is the catalogue.
  const catalogue = roles.data?.find((r) => r.key === "owner")?.permissions ?? [];
  return (
    <section className="card stack" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles and permissions</h2>
      <TableScroll label="Roles and permissions">
        <table className="table roles-table">
          <thead>
            <tr>
              <th scope="col">Permission</th>
              {roles.data?.map((r) => (
                <th scope="col" key={r.key}>
                  {r.name}
                  {!r.builtIn && canManage ? (
                    <button
                      type="button"
                      className="linkish danger"
                      onClick={() => setDeleting(r.key)}
                      aria-label={`Delete role ${r.name}`}
                    >
                      ×
                    </button>
                  ) : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {catalogue.map((p) => (
              <tr key={p}>
                <th scope="row">
                  <code>{p}</code>
                </th>
                {roles.data?.map((r) => (
                  <td key={r.key}>
                    <input
                      type="checkbox"
                      aria-label={`${r.name}: ${p}`}
                      checked={r.permissions.includes(p)}
                      disabled={r.builtIn || !canManage || update.isPending}
                      onChange={(e) =>
                        update.mutate({
                          orgId,
                          key: r.key,
                          permissions: e.target.checked
                            ? [...r.permissions, p]
                            : r.permissions.filter((x) => x !== p),
                        })
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {canManage ? (
        <form
          className="stack"
          aria-labelledby="new-role-title"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ orgId, key, name, permissions: chosen });
          }}
        >
          <h3 id="new-role-title">New role</h3>
          <div className="row">
            <Field
              label="Key"
              required
              value={key}
              onChange={(e) => setKey(e.target.value)}
              hint="e.g. billing"
            />
            <Field label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <fieldset className="checks">
            <legend>Permissions</legend>
            {catalogue.map((p) => (
              <label key={p}>
                <input
                  type="checkbox"
                  checked={chosen.includes(p)}
                  onChange={(e) =>
                    setChosen(e.target.checked ? [...chosen, p] : chosen.filter((x) => x !== p))
                  }
                />{" "}
                {p}
              </label>
            ))}
          </fieldset>
          <ErrorNote error={create.error} />
          <Button type="submit" busy={create.isPending}>
            Create role
          </Button>
        </form>
      ) : null}
      <Confirm
        open={deleting !== null}
        title="Delete this role?"
        body="Members and invitations must have another role first."
        confirmLabel="Delete role"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ orgId, key: deleting })}
      />
    </section>
  );
}
