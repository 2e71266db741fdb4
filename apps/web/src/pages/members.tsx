import { InviteForm, MemberList } from "@roster/widgets";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** Members, invitations (declined ones too, under the list) and the invite form: the widgets. */
export function MembersPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const perms = useQuery(trpc.orgs.permissions.queryOptions({ orgId }));
  const canInvite = perms.data?.permissions.includes("members:invite") ?? false;
  return (
    <>
      <h1>Members</h1>
      {canInvite ? (
        <section className="card" aria-label="Invite people">
          <InviteForm orgId={orgId} />
        </section>
      ) : null}
      <section className="card" aria-label="Members and invitations">
        <MemberList orgId={orgId} />
      </section>
    </>
  );
}
