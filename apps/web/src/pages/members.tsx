import { InviteForm, MemberList } from "@roster/widgets";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

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
      <DeclinedInvitations orgId={orgId} />
    </>
  );
}

/** Invitations their recipients declined: admins keep seeing them, as declined (the newest 20). */
function DeclinedInvitations({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const declined = useQuery(trpc.invitations.list.queryOptions({ orgId, status: "declined", limit: 20 }));
  const items = declined.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="declined-title">
      <h2 id="declined-title">Declined invitations</h2>
      <ul className="declined-list">
        {items.map((i) => (
          <li key={i.id} data-invitation-status="declined">
            <strong>{i.email}</strong> declined to join as {i.role}
            {i.inviter ? ` (invited by ${i.inviter.name})` : ""}.
          </li>
        ))}
      </ul>
    </section>
  );
}
