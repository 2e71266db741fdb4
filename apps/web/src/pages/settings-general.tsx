import { OrganizationProfile } from "@roster/widgets";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "../router";
import { useTRPC } from "../trpc";
import { plural } from "../ui";
import type { SettingsSectionProps } from "./settings";

/** Name, URL name and logo; transfer of ownership, leaving and deleting, from the widget hosts embed. */
export function GeneralSettings({ orgId }: SettingsSectionProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  // After leaving or deleting, the organization is gone from the list: go to another one.
  const gone = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.orgs.list.queryKey() });
    navigate("/", true);
  };
  const seats = org.data?.seatLimit;
  return (
    <div className="card stack">
      {org.data ? (
        <p className="muted" data-testid="member-count">
          {plural(org.data.memberCount, "member", "members")}
          {seats ? ` of ${plural(seats, "seat", "seats")}` : ""}
        </p>
      ) : null}
      <OrganizationProfile
        orgId={orgId}
        onAfter={(action) => {
          if (action.type === "update") void queryClient.invalidateQueries({ queryKey: trpc.orgs.pathKey() });
        }}
        onLeft={gone}
        onDeleted={gone}
      />
    </div>
  );
}
