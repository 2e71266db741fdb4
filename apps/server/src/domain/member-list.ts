import type { Database, MembershipStatus } from "@roster/db";
import { type CompiledQuery, type Kysely, sql } from "kysely";
import type { Deps } from "../deps.js";
import type { OrgAccess } from "./access.js";
import { decodeCursor, keysetPage } from "./cursors.js";
import { matchesWords, wordQuery, wordsOf } from "./search.js";

/** The member list: members and open invitations merged into one keyset-paged list. */

export type MemberListStatus = "active" | "deactivated" | "invited" | "expired";

export interface MemberListItem {
  kind: "member" | "invitation";
  /** The user id for a member, the invitation id for an invitation. */
  id: string;
  userId: string | null;
  invitationId: string | null;
  email: string;
  name: string | null;
  role: string;
  status: MemberListStatus;
  serviceAccount: boolean;
  /** When the person joined, or when the invitation was made. */
  createdAt: string;
  expiresAt: string | null;
  metadata: Record<string, unknown>;
}

export interface ListMembersInput {
  cursor?: string | undefined;
  limit?: number | undefined;
  search?: string | undefined;
  status?: MemberListStatus | undefined;
  role?: string | undefined;
  includeInvitations?: boolean | undefined;
}

/** One row of the member list as the database returns it. */
export interface MemberListRow {
  kind: "member" | "invitation";
  id: string;
  email: string;
  name: string | null;
  role: string;
  status: string;
  service_account: boolean;
  created_at: Date;
  expires_at: Date | null;
  metadata: Record<string, unknown>;
}

/**
 * The one query `listMembers` runs, compiled: members (and optionally open invitations) newest
 * first, one keyset page of `limit + 1` rows. Each side is read through its (org_id, created_at
 * desc, id desc) index with its own LIMIT, and the two are merged, so a deep page costs the same as
 * the first one. Search matches people by any word of their name or address (see `wordQuery`),
 * through GIN indexes of those words.
 */
export function buildMemberListQuery(
  db: Kysely<Database>,
  orgId: string,
  input: ListMembersInput,
  now: Date,
): CompiledQuery<MemberListRow> {
  const limit = input.limit ?? 50;
  const cursor = decodeCursor(input.cursor);
  const search = wordQuery(input.search);
  const wantMembers =
    input.status === undefined || input.status === "active" || input.status === "deactivated";
  const wantInvitations =
    input.status === "invited" ||
    input.status === "expired" ||
    (input.status === undefined && input.includeInvitations === true);

  const members = db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select([
      sql<"member">`'member'`.as("kind"),
      "m.user_id as id",
      "u.email",
      sql<string | null>`u.name`.as("name"),
      "m.role",
      sql<string>`m.status`.as("status"),
      sql<boolean>`u.kind = 'service_account'`.as("service_account"),
      "m.created_at",
      sql<Date | null>`null::timestamptz`.as("expires_at"),
      "m.metadata",
    ])
    .where("m.org_id", "=", orgId)
    .$if(input.status === "active" || input.status === "deactivated", (q) =>
      q.where("m.status", "=", input.status as MembershipStatus),
    )
    .$if(input.role !== undefined, (q) => q.where("m.role", "=", input.role!))
    .$if(search !== undefined, (q) =>
      q.where(matchesWords(wordsOf(sql`u.name`, sql`u.email`), search as string | null)),
    )
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb(eb.refTuple("m.created_at", "m.user_id"), "<", eb.tuple(cursor!.createdAt, cursor!.id)),
      ),
    )
    .orderBy("m.created_at", "desc")
    .orderBy("m.user_id", "desc")
    .limit(limit + 1);

  const invitations = db
    .selectFrom("invitations as i")
    .select([
      sql<"invitation">`'invitation'`.as("kind"),
      "i.id",
      "i.email",
      sql<string | null>`null::text`.as("name"),
      "i.role",
      sql<string>`case when i.expires_at <= ${now} then 'expired' else 'invited' end`.as("status"),
      sql<boolean>`false`.as("service_account"),
      "i.created_at",
      sql<Date | null>`i.expires_at`.as("expires_at"),
      "i.metadata",
    ])
    .where("i.org_id", "=", orgId)
    .where("i.status", "=", "pending")
    .$if(input.status === "invited", (q) => q.where("i.expires_at", ">", now))
    .$if(input.status === "expired", (q) => q.where("i.expires_at", "<=", now))
    .$if(input.role !== undefined, (q) => q.where("i.role", "=", input.role!))
    .$if(search !== undefined, (q) =>
      q.where(matchesWords(wordsOf(null, sql`i.email`), search as string | null)),
    )
    .$if(cursor !== null, (q) =>
      q.where((eb) => eb(eb.refTuple("i.created_at", "i.id"), "<", eb.tuple(cursor!.createdAt, cursor!.id))),
    )
    .orderBy("i.created_at", "desc")
    .orderBy("i.id", "desc")
    .limit(limit + 1);

  if (wantMembers && wantInvitations) {
    return db
      .selectFrom(sql<MemberListRow>`((${members}) union all (${invitations}))`.as("x"))
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .compile();
  }
  return (wantMembers ? members.compile() : invitations.compile()) as CompiledQuery<MemberListRow>;
}

export async function listMembers(
  deps: Deps,
  access: OrgAccess,
  input: ListMembersInput,
): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  const limit = input.limit ?? 50;
  const { rows } = await deps.db.executeQuery(
    buildMemberListQuery(deps.db, access.orgId, input, deps.clock()),
  );
  const { page, nextCursor } = keysetPage(rows, limit);
  return {
    items: page.map((r) => ({
      kind: r.kind,
      id: r.id,
      userId: r.kind === "member" ? r.id : null,
      invitationId: r.kind === "invitation" ? r.id : null,
      email: r.email,
      name: r.name,
      role: r.role,
      status: r.status as MemberListStatus,
      serviceAccount: r.service_account,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
      metadata: r.metadata,
    })),
    nextCursor,
  };
}
