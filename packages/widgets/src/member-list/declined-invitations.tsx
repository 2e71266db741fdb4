import { useId } from "react";
import { useInvitations } from "../hooks/invitations.js";
import { useLabels } from "../provider.js";

/**
 * Invitations their recipients declined: whoever may invite keeps seeing them, labelled as
 * declined, so nobody invites the same person again without knowing (the newest page of them).
 */
export function DeclinedInvitations({
  orgId,
  roleName,
}: {
  orgId: string;
  roleName: (key: string) => string;
}) {
  const labels = useLabels();
  const headingId = useId();
  const declined = useInvitations(orgId, "declined");
  const items = declined.data?.pages[0]?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="roster-declined" aria-labelledby={headingId}>
      <h3 id={headingId} className="roster-subheading">
        {labels.declinedTitle}
      </h3>
      <ul className="roster-declined-list">
        {items.map((i) => (
          <li key={i.id} data-invitation-status="declined">
            <span className="roster-badge" data-status="declined">
              {labels.invitationNow.declined}
            </span>{" "}
            {labels.declinedInvitation(i.email, roleName(i.role), labels.formatDate(i.createdAt))}
          </li>
        ))}
      </ul>
    </section>
  );
}
