import type { RosterEvent } from "@roster/sdk";
import type { TestServer } from "./helpers.js";

/** A member as a host product mirrors them. */
export interface MirroredMember {
  email: string;
  role: string;
  active: boolean;
  serviceAccount: boolean;
}

/**
 * What a host product keeps, rebuilt from events alone: per organization, its members with their
 * roles and whether their accounts are active. Events are applied in the order given, each once
 * (by id), as a receiver that gets them at least once must.
 */
export class Mirror {
  readonly orgs = new Map<string, Map<string, MirroredMember>>();
  readonly seen = new Set<string>();
  /** The id of the last event applied: where to catch up from after an outage. */
  lastEventId: string | null = null;

  apply(event: RosterEvent): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    this.lastEventId = event.id;
    const orgId = event.organization.id;
    const members = this.orgs.get(orgId) ?? new Map<string, MirroredMember>();
    this.orgs.set(orgId, members);
    const update = (userId: string, change: Partial<MirroredMember>) => {
      const current = members.get(userId);
      if (!current) throw new Error(`${event.type} for ${userId}, who never joined`);
      members.set(userId, { ...current, ...change });
    };
    switch (event.type) {
      case "membership.joined": {
        const { member, role } = event.data;
        members.set(member.userId, {
          email: member.email,
          role,
          active: true,
          serviceAccount: member.serviceAccount,
        });
        break;
      }
      case "membership.role_changed":
        update(event.data.member.userId, { role: event.data.to });
        break;
      case "membership.deactivated":
        update(event.data.member.userId, { active: false });
        break;
      case "membership.reactivated":
        update(event.data.member.userId, { active: true });
        break;
      case "membership.removed":
        members.delete(event.data.member.userId);
        break;
      case "ownership.transferred":
        update(event.data.from.userId, { role: event.data.from.role });
        update(event.data.to.userId, { role: event.data.to.role });
        break;
      case "organization.deleted":
        members.clear();
        break;
      default:
        break;
    }
  }

  members(orgId: string): Record<string, MirroredMember> {
    return Object.fromEntries(
      [...(this.orgs.get(orgId) ?? new Map())].sort(([a], [b]) => a.localeCompare(b)),
    );
  }
}

/** The server's own view of an organization's members, in the mirror's shape. */
export async function serverMembers(t: TestServer, orgId: string): Promise<Record<string, MirroredMember>> {
  const rows = await t.database.db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["m.user_id", "u.email", "m.role", "m.status", "u.kind"])
    .where("m.org_id", "=", orgId)
    .execute();
  return Object.fromEntries(
    rows
      .map((r): [string, MirroredMember] => [
        r.user_id,
        {
          email: r.email,
          role: r.role,
          active: r.status === "active",
          serviceAccount: r.kind === "service_account",
        },
      ])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
