import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import {
  Button,
  Confirm,
  Field,
  FormNote,
  formErrors,
  Loading,
  TableScroll,
  useErrorToast,
  useToast,
} from "../ui";
import type { SettingsSectionProps } from "./settings";

/**
 * Roles and what each allows, permission by permission in words. Built-in roles and a reader
 * without `roles:manage` see plain marks, not switches; custom roles are edited in place.
 */
export function RolesSettings({ orgId, can }: SettingsSectionProps) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const canManage = can("roles:manage");
  const roles = useQuery(trpc.roles.list.queryOptions({ orgId }));
  const catalogue = useQuery(
    trpc.roles.catalogue.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
  const [deleting, setDeleting] = useState<{ key: string; name: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey({ orgId }) });
  // The permissions a custom role is being given, shown at once while the change is saved.
  const [pending, setPending] = useState<{ key: string; permissions: string[] } | null>(null);
  const update = useMutation(
    trpc.roles.update.mutationOptions({
      onSuccess: () => refresh(),
      onError,
      onSettled: () => setPending(null),
    }),
  );
  const remove = useMutation(
    trpc.roles.delete.mutationOptions({
      onSuccess: () => {
        toast("success", `Role ${deleting?.name ?? ""} deleted.`);
        setDeleting(null);
        void refresh();
      },
      onError: (e) => {
        setDeleting(null);
        onError(e);
      },
    }),
  );
  if (!roles.data || !catalogue.data) return <Loading />;
  return (
    <section className="card stack" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles and permissions</h2>
      <p className="muted">
        {canManage
          ? "Built-in roles are fixed. Tick a permission to give it to a custom role; the change applies at once."
          : "What each role allows. Your role can read roles, not change them."}
      </p>
      <TableScroll label="Permissions by role">
        <table className="table roles-table">
          <thead>
            <tr>
              <th scope="col">Permission</th>
              {roles.data.map((r) => (
                <th scope="col" key={r.key}>
                  <span className="role-head">
                    {r.name}
                    {!r.builtIn && canManage ? (
                      <button
                        type="button"
                        className="linkish danger"
                        onClick={() => setDeleting({ key: r.key, name: r.name })}
                      >
                        Delete<span className="visually-hidden"> role {r.name}</span>
                      </button>
                    ) : null}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {catalogue.data.map((p) => (
              <tr key={p.key}>
                <th scope="row">
                  <span className="permission-name">{p.description}</span>
                  <code className="permission-key">{p.key}</code>
                </th>
                {roles.data.map((r) => {
                  const permissions = pending?.key === r.key ? pending.permissions : r.permissions;
                  const granted = permissions.includes(p.key);
                  if (r.builtIn || !canManage) {
                    return (
                      <td key={r.key} data-granted={granted || undefined}>
                        <span className="role-cell-name" aria-hidden="true">
                          {r.name}
                        </span>
                        <span aria-hidden="true">{granted ? "✓" : "–"}</span>
                        <span className="visually-hidden">{granted ? "Allowed" : "Not allowed"}</span>
                      </td>
                    );
                  }
                  return (
                    <td key={r.key}>
                      <span className="role-cell-name" aria-hidden="true">
                        {r.name}
                      </span>
                      <input
                        type="checkbox"
                        className="check"
                        aria-label={`${r.name}: ${p.description}`}
                        checked={granted}
                        disabled={update.isPending}
                        onChange={(e) => {
                          const next = e.target.checked
                            ? [...permissions, p.key]
                            : permissions.filter((x) => x !== p.key);
                          setPending({ key: r.key, permissions: next });
                          update.mutate({ orgId, key: r.key, permissions: next });
                        }}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {canManage ? <NewRole orgId={orgId} catalogue={catalogue.data} onCreated={refresh} /> : null}
      <Confirm
        open={deleting !== null}
        title={`Delete the role ${deleting?.name ?? ""}?`}
        body="Members and invitations must have another role first."
        confirmLabel="Delete role"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ orgId, key: deleting.key })}
      />
    </section>
  );
}

function NewRole({
  orgId,
  catalogue,
  onCreated,
}: {
  orgId: string;
  catalogue: { key: string; description: string }[];
  onCreated: () => void;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation(
    trpc.roles.create.mutationOptions({
      onSuccess: (role) => {
        toast("success", `Role ${role.name} created.`);
        setKey("");
        setName("");
        setChosen([]);
        onCreated();
      },
    }),
  );
  const errors = formErrors(create.error, ["key", "name", "permissions"], {
    ROLE_EXISTS: "key",
    INVALID_PERMISSION: "permissions",
  });
  return (
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
          label="Name"
          required
          maxLength={60}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.field("name")}
        />
        <Field
          label="Key"
          required
          maxLength={40}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          hint="How the API names it: lowercase letters, digits, - and _, like billing."
          error={errors.field("key")}
        />
      </div>
      <fieldset
        className="checks"
        aria-describedby={errors.field("permissions") ? "new-role-perms-error" : undefined}
      >
        <legend>Permissions</legend>
        {catalogue.map((p) => (
          <label key={p.key} className="check-label">
            <input
              type="checkbox"
              className="check"
              checked={chosen.includes(p.key)}
              onChange={(e) =>
                setChosen(e.target.checked ? [...chosen, p.key] : chosen.filter((x) => x !== p.key))
              }
            />
            <span>{p.description}</span>
          </label>
        ))}
      </fieldset>
      {errors.field("permissions") ? (
        <p id="new-role-perms-error" className="field-error">
          {errors.field("permissions")}
        </p>
      ) : null}
      <FormNote text={errors.other} />
      <Button type="submit" busy={create.isPending}>
        Create role
      </Button>
    </form>
  );
}
