import { useQuery } from "@tanstack/react-query";
import type { ComponentType } from "react";
import { Link, Redirect, useRouter } from "../router";
import { useTRPC } from "../trpc";
import { Empty, Loading } from "../ui";
import { CloudCredentials } from "./settings-credentials";
import { GeneralSettings } from "./settings-general";
import { RolesSettings } from "./settings-roles";
import { ServiceAccounts } from "./settings-service-accounts";
import { Webhooks } from "./webhooks";

/** What a section's page receives: the organization and what the signed-in person may do in it. */
export interface SettingsSectionProps {
  orgId: string;
  can: (permission: string) => boolean;
}

/** One section of the settings, at /orgs/:orgId/settings/<path>. */
export interface SettingsSection {
  path: string;
  label: string;
  /** Who sees the section: holders of this permission, or every member (null). */
  permission: string | null;
  Page: ComponentType<SettingsSectionProps>;
}

/** The settings navigation, in order. A new section is one more entry. */
export const settingsSections: SettingsSection[] = [
  { path: "general", label: "General", permission: null, Page: GeneralSettings },
  { path: "credentials", label: "Cloud credentials", permission: "settings:read", Page: CloudCredentials },
  { path: "roles", label: "Roles and permissions", permission: null, Page: RolesSettings },
  {
    path: "service-accounts",
    label: "Service accounts",
    permission: "service_accounts:manage",
    Page: ServiceAccounts,
  },
  { path: "webhooks", label: "Webhooks", permission: "webhooks:manage", Page: Webhooks },
];

export function SettingsPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const { path } = useRouter();
  const perms = useQuery(trpc.orgs.permissions.queryOptions({ orgId }));
  const base = `/orgs/${orgId}/settings`;
  if (!perms.data) return <Loading />;
  const granted: readonly string[] = perms.data.permissions;
  const can = (permission: string) => granted.includes(permission);
  const visible = settingsSections.filter((s) => s.permission === null || can(s.permission));
  const current = path.split("/")[4];
  if (!current) return <Redirect to={`${base}/${visible[0]!.path}`} />;
  const section = visible.find((s) => s.path === current);
  return (
    <div className="settings">
      <nav aria-label="Settings sections" className="settings-nav">
        <h1>Settings</h1>
        <ul>
          {visible.map((s) => (
            <li key={s.path}>
              <Link href={`${base}/${s.path}`}>{s.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        {section ? (
          <section.Page orgId={orgId} can={can} />
        ) : (
          <Empty title="This section is not available">
            <p>It does not exist, or your role does not include it.</p>
          </Empty>
        )}
      </div>
    </div>
  );
}
