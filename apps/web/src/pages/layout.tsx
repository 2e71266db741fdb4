import { OrganizationSwitcher } from "@roster/widgets";
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
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false }));
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
  // A tab stays current on the pages under it (Settings on /settings/roles).
  const isCurrent = (href: string) => path === href || (href !== base && path.startsWith(`${href}/`));
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
          <OrganizationSwitcher
            currentOrgId={orgId}
            onSwitch={({ orgId: next }) => navigate(`/orgs/${next}`)}
            onCreate={() => navigate("/orgs/new")}
            onManage={(id) => navigate(`/orgs/${id}/settings/general`)}
          />
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
            <Link
              key={n.href}
              href={n.href}
              aria-current={isCurrent(n.href) ? "page" : undefined}
              className={isCurrent(n.href) ? "tab active" : "tab"}
            >
              {n.label}
            </Link>
          ))}
      </nav>
      <main className="page">{children}</main>
    </div>
  );
}
