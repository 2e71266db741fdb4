import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useMutation } from "../mutation";
import { Link, useRouter } from "../router";
import { useCan, useTRPC } from "../trpc";

/** The frame of every signed-in page: organization switcher, navigation, account menu. */
export function OrgLayout({ orgId, children }: { orgId: string; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate, path } = useRouter();
  const orgs = useQuery(trpc.orgs.list.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false }));
  const setActive = useMutation(trpc.orgs.setActive.mutationOptions());
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        navigate("/sign-in", true);
      },
    }),
  );
  const can = useCan(orgId);
  const base = `/orgs/${orgId}`;
  const nav = [
    { href: base, label: "Dashboard", show: true },
    { href: `${base}/members`, label: "Members", show: can("members:read") },
    { href: `${base}/workspaces`, label: "Workspaces", show: can("workspaces:read") },
    { href: `${base}/settings`, label: "Settings", show: can("settings:read") },
    { href: `${base}/security`, label: "Security", show: can("domains:manage") },
    { href: `${base}/provisioning`, label: "Provisioning", show: can("scim:manage") },
    { href: `${base}/audit`, label: "Audit log", show: can("audit:read") },
  ];
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          Roster
        </Link>
        <div className="org-switch">
          <label htmlFor="org-switcher" className="visually-hidden">
            Organization
          </label>
          <select
            id="org-switcher"
            value={orgId}
            onChange={(e) => {
              if (e.target.value === "new") return navigate("/orgs/new");
              setActive.mutate({ orgId: e.target.value });
              navigate(`/orgs/${e.target.value}`);
            }}
          >
            {orgs.data?.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            <option value="new">+ Create organization</option>
          </select>
        </div>
        <nav aria-label="Account" className="account-nav">
          {me.data?.devMailbox ? <Link href="/dev/mailbox">Dev mailbox</Link> : null}
          <Link href="/account">{me.data?.user.name ?? "Account"}</Link>
          <button type="button" className="linkish" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </nav>
      </header>
      <nav aria-label="Organization" className="tabs">
        {nav
          .filter((n) => n.show)
          .map((n) => (
            <Link key={n.href} href={n.href} className={path === n.href ? "tab active" : "tab"}>
              {n.label}
            </Link>
          ))}
      </nav>
      <main className="page">{children}</main>
    </div>
  );
}
