import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { Button, Confirm, Empty, Field, FormNote, formErrors, Loading, useErrorToast, useToast } from "../ui";

type Workspace = { id: string; parentId: string | null; name: string; description: string };

/** Workspaces nest (pools and sub-pools); access is granted to members and groups per workspace. */
export function WorkspacesPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const perms = useQuery(trpc.orgs.permissions.queryOptions({ orgId }));
  const canManage = perms.data?.permissions.includes("workspaces:manage") ?? false;
  return (
    <>
      <h1>Workspaces and groups</h1>
      <div className="grid-2">
        <Workspaces orgId={orgId} canManage={canManage} />
        <Groups orgId={orgId} canManage={canManage} />
      </div>
    </>
  );
}

function Workspaces({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.workspaces.list.queryOptions({ orgId }));
  const [name, setName] = useState("");
  const [parentId, setParentId] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Workspace | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workspaces.pathKey() });
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      onSuccess: (w) => {
        toast("success", `Workspace ${w.name} created.`);
        setName("");
        void refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.workspaces.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        toast("success", "Workspace deleted.");
        void refresh();
      },
      onError: (e) => {
        setDeleting(null);
        onError(e);
      },
    }),
  );
  const errors = formErrors(create.error, ["name", "parentId"], { WORKSPACE_NAME_TAKEN: "name" });
  const items = (list.data ?? []) as Workspace[];
  const children = (parent: string | null) => items.filter((w) => w.parentId === parent);
  const renderTree = (parent: string | null, depth: number) => (
    <ul className="plain-list" style={{ paddingLeft: depth ? 16 : 0 }}>
      {children(parent).map((w) => (
        <li key={w.id}>
          <div className="row">
            <button
              type="button"
              className="linkish"
              aria-expanded={selected === w.id}
              onClick={() => setSelected(selected === w.id ? null : w.id)}
            >
              {w.name}
            </button>
            {canManage ? (
              <Button tone="danger" onClick={() => setDeleting(w)}>
                Delete {w.name}
              </Button>
            ) : null}
          </div>
          {selected === w.id ? <Grants orgId={orgId} workspaceId={w.id} canManage={canManage} /> : null}
          {children(w.id).length > 0 ? renderTree(w.id, depth + 1) : null}
        </li>
      ))}
    </ul>
  );
  return (
    <section className="card stack" aria-labelledby="ws-title">
      <h2 id="ws-title">Workspaces</h2>
      {list.isPending ? <Loading /> : null}
      {list.isSuccess && items.length === 0 ? <Empty title="No workspaces yet" /> : null}
      {renderTree(null, 0)}
      {canManage ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ orgId, name, parentId: parentId || null });
          }}
        >
          <Field
            label="New workspace name"
            required
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.field("name")}
          />
          <div className="field">
            <label htmlFor="ws-parent">Inside</label>
            <select id="ws-parent" value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">Top level</option>
              {items.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </div>
          <FormNote text={errors.field("parentId") ?? errors.other} />
          <Button type="submit" busy={create.isPending}>
            Create workspace
          </Button>
        </form>
      ) : null}
      <Confirm
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "workspace"}?`}
        body="Its access grants go with it."
        confirmLabel="Delete workspace"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ orgId, workspaceId: deleting.id })}
      />
    </section>
  );
}

function Grants({
  orgId,
  workspaceId,
  canManage,
}: {
  orgId: string;
  workspaceId: string;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.workspaces.grants.queryOptions({ orgId, workspaceId }));
  const members = useQuery(trpc.members.list.queryOptions({ orgId, status: "active", limit: 100 }));
  const groups = useQuery(trpc.groups.list.queryOptions({ orgId }));
  const roles = useQuery(trpc.roles.list.queryOptions({ orgId }));
  const [who, setWho] = useState("");
  const [role, setRole] = useState("member");
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.workspaces.grants.queryKey({ orgId, workspaceId }) });
  const grant = useMutation(trpc.workspaces.grant.mutationOptions({ onSuccess: refresh, onError }));
  const revoke = useMutation(trpc.workspaces.revoke.mutationOptions({ onSuccess: refresh, onError }));
  const principalOf = (value: string) =>
    value.startsWith("group:") ? { groupId: value.slice(6) } : { userId: value.slice(5) };
  return (
    <div className="stack" style={{ padding: "8px 0 8px 16px" }}>
      <ul className="plain-list">
        {grants.data?.length === 0 ? (
          <li className="muted">Only the organization's roles apply here.</li>
        ) : null}
        {grants.data?.map((g) => (
          <li key={g.id} className="row">
            <span>
              {g.principal.type === "group"
                ? `Group ${g.principal.name}`
                : g.principal.type === "member"
                  ? g.principal.name
                  : g.principal.email}{" "}
              · {g.role}
            </span>
            {canManage ? (
              <Button
                tone="secondary"
                busy={revoke.isPending}
                onClick={() =>
                  revoke.mutate({
                    orgId,
                    workspaceId,
                    principal:
                      g.principal.type === "group"
                        ? { groupId: g.principal.groupId }
                        : g.principal.type === "member"
                          ? { userId: g.principal.userId }
                          : { invitationId: g.principal.invitationId },
                  })
                }
              >
                Remove access
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (who) grant.mutate({ orgId, workspaceId, principal: principalOf(who), role });
          }}
        >
          <div className="field">
            <label htmlFor={`grant-who-${workspaceId}`}>Member or group</label>
            <select id={`grant-who-${workspaceId}`} value={who} onChange={(e) => setWho(e.target.value)}>
              <option value="">Choose…</option>
              {members.data?.items.map((m) => (
                <option key={m.id} value={`user:${m.id}`}>
                  {m.name ?? m.email}
                </option>
              ))}
              {groups.data?.map((g) => (
                <option key={g.id} value={`group:${g.id}`}>
                  Group: {g.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`grant-role-${workspaceId}`}>Role here</label>
            <select id={`grant-role-${workspaceId}`} value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.data?.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" busy={grant.isPending}>
            Grant access
          </Button>
        </form>
      ) : null}
    </div>
  );
}

function Groups({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const onError = useErrorToast();
  const queryClient = useQueryClient();
  const groups = useQuery(trpc.groups.list.queryOptions({ orgId }));
  const members = useQuery(trpc.members.list.queryOptions({ orgId, status: "active", limit: 100 }));
  const [name, setName] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() });
  const create = useMutation(
    trpc.groups.create.mutationOptions({
      onSuccess: (g) => {
        toast("success", `Group ${g.name} created.`);
        setName("");
        void refresh();
      },
    }),
  );
  const detail = useQuery(
    trpc.groups.get.queryOptions({ orgId, groupId: open ?? "" }, { enabled: open !== null }),
  );
  const add = useMutation(trpc.groups.addMembers.mutationOptions({ onSuccess: refresh, onError }));
  const removeMember = useMutation(trpc.groups.removeMember.mutationOptions({ onSuccess: refresh, onError }));
  const remove = useMutation(trpc.groups.delete.mutationOptions({ onSuccess: refresh, onError }));
  const errors = formErrors(create.error, ["name"], { GROUP_NAME_TAKEN: "name" });
  return (
    <section className="card stack" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      {groups.isSuccess && groups.data.length === 0 ? <Empty title="No groups yet" /> : null}
      <ul className="plain-list">
        {groups.data?.map((g) => (
          <li key={g.id} className="stack">
            <div className="row">
              <button
                type="button"
                className="linkish"
                aria-expanded={open === g.id}
                onClick={() => setOpen(open === g.id ? null : g.id)}
              >
                {g.name} ({g.memberCount})
              </button>
              {canManage ? (
                <Button
                  tone="danger"
                  busy={remove.isPending}
                  onClick={() => remove.mutate({ orgId, groupId: g.id })}
                >
                  Delete {g.name}
                </Button>
              ) : null}
            </div>
            {open === g.id ? (
              <div className="stack" style={{ paddingLeft: 16 }}>
                <ul className="plain-list">
                  {detail.data?.members.map((m) => (
                    <li key={m.userId} className="row">
                      {m.name}
                      {canManage ? (
                        <Button
                          tone="secondary"
                          onClick={() => removeMember.mutate({ orgId, groupId: g.id, userId: m.userId })}
                        >
                          Remove {m.name}
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {canManage ? (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (adding) add.mutate({ orgId, groupId: g.id, userIds: [adding] });
                    }}
                  >
                    <div className="field">
                      <label htmlFor={`group-add-${g.id}`}>Add member</label>
                      <select
                        id={`group-add-${g.id}`}
                        value={adding}
                        onChange={(e) => setAdding(e.target.value)}
                      >
                        <option value="">Choose…</option>
                        {members.data?.items.map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.name ?? m.email}
                          </option>
                        ))}
                      </select>
                    </div>
                    <Button type="submit" busy={add.isPending}>
                      Add
                    </Button>
                  </form>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ orgId, name });
          }}
        >
          <Field
            label="New group name"
            required
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.field("name")}
          />
          <Button type="submit" busy={create.isPending}>
            Create group
          </Button>
        </form>
      ) : null}
      <FormNote text={errors.other} />
    </section>
  );
}
