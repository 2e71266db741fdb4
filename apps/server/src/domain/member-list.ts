import { type Database, type MembershipStatus, prepared, runCompiled } from "@roster/db";
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
  /** Absent when the list reads members alone. */
  kind?: "member" | "invitation";
  id: string;
  email: string;
  name: string | null;
  role: string;
  status: string;
  service_account: boolean;
  created_at: Date;
  /** Absent when the list reads members alone. */
  expires_at?: Date | null;
  metadata: Record<string, unknown>;
}

const LIST_COLUMNS = [
  "kind",
  "id",
  "email",
  "name",
  "role",
  "status",
  "service_account",
  "created_at",
  "expires_at",
  "metadata",
] as const satisfies readonly (keyof MemberListRow)[];

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
  return compileMemberList(db, {
    orgId,
    rows: (input.limit ?? 50) + 1,
    cursor: decodeCursor(input.cursor),
    search: wordQuery(input.search),
    status: input.status,
    role: input.role,
    includeInvitations: input.includeInvitations,
    now,
  });
}

/** The list's query with its values: what `buildMemberListQuery` compiles. */
interface MemberListParams {
  orgId: string;
  /** Rows to read: the page's limit and one more, which tells whether a next page exists. */
  rows: number;
  cursor: { createdAt: Date; id: string } | null;
  search: string | null | undefined;
  status: MemberListStatus | undefined;
  role: string | undefined;
  includeInvitations: boolean | undefined;
  now: Date;
}

function compileMemberList(db: Kysely<Database>, params: MemberListParams): CompiledQuery<MemberListRow> {
  const { orgId, rows, cursor, search } = params;
  const input = params;
  const wantMembers =
    input.status === undefined || input.status === "active" || input.status === "deactivated";
  const now = params.now;
  const wantInvitations =
    input.status === "invited" ||
    input.status === "expired" ||
    (input.status === undefined && input.includeInvitations === true);

  // Read alone, members need no `kind` and no `expires_at` (a column each per row, every row the
  // same); merged with invitations, both sides give every column, in the same order.
  const members = db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .$if(wantInvitations, (q) => q.select(sql<"member">`'member'`.as("kind")))
    .select([
      "m.user_id as id",
      "u.email",
      sql<string | null>`u.name`.as("name"),
      "m.role",
      sql<string>`m.status`.as("status"),
      sql<boolean>`u.kind = 'service_account'`.as("service_account"),
      "m.created_at",
    ])
    .$if(wantInvitations, (q) => q.select(sql<Date | null>`null::timestamptz`.as("expires_at")))
    .select("m.metadata")
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
    .limit(rows);

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
    .limit(rows);

  if (wantMembers && wantInvitations) {
    return db
      .selectFrom(sql<MemberListRow>`((${members}) union all (${invitations}))`.as("x"))
      .select(LIST_COLUMNS)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(rows)
      .compile();
  }
  return (wantMembers ? members.compile() : invitations.compile()) as CompiledQuery<MemberListRow>;
}

// Markers the list's query is compiled with, once per shape; each request puts its values in their
// places. Building and compiling it through Kysely on every request was a measurable share of the
// call's CPU time (docs/benchmarks.md).
const MARK = {
  orgId: "\u0000org-id",
  rows: "\u0000rows",
  createdAt: "\u0000cursor-created-at",
  id: "\u0000cursor-id",
  search: "\u0000search",
  role: "\u0000role",
  now: "\u0000now",
} as const;
const compiledLists = new WeakMap<Kysely<Database>, Map<string, CompiledQuery<MemberListRow>>>();

/**
 * `buildMemberListQuery`, compiled once per database handle and shape (which filters are present;
 * the status, one of four, is part of the shape): the same SQL and parameters, values swapped in.
 */
export function cachedMemberListQuery(
  db: Kysely<Database>,
  orgId: string,
  input: ListMembersInput,
  now: Date,
): CompiledQuery<MemberListRow> {
  const cursor = decodeCursor(input.cursor);
  const search = wordQuery(input.search);
  const shape = [
    cursor ? "c" : "",
    search === undefined ? "" : search === null ? "n" : "s",
    input.status ?? "",
    input.role === undefined ? "" : "r",
    input.includeInvitations === true ? "i" : "",
  ].join("|");
  let shapes = compiledLists.get(db);
  if (!shapes) {
    shapes = new Map();
    compiledLists.set(db, shapes);
  }
  let compiled = shapes.get(shape);
  if (!compiled) {
    compiled = compileMemberList(db, {
      orgId: MARK.orgId,
      rows: MARK.rows as unknown as number,
      cursor: cursor && { createdAt: MARK.createdAt as unknown as Date, id: MARK.id },
      search: search === undefined || search === null ? search : MARK.search,
      status: input.status,
      role: input.role === undefined ? undefined : MARK.role,
      includeInvitations: input.includeInvitations,
      now: MARK.now as unknown as Date,
    });
    // Prepared, planned once per connection, except a search: its plan depends on the words.
    if (search === undefined) prepared(compiled);
    shapes.set(shape, compiled);
  }
  const values: Record<string, unknown> = {
    [MARK.orgId]: orgId,
    [MARK.rows]: (input.limit ?? 50) + 1,
    [MARK.createdAt]: cursor?.createdAt,
    [MARK.id]: cursor?.id,
    [MARK.search]: search,
    [MARK.role]: input.role,
    [MARK.now]: now,
  };
  const parameters = compiled.parameters.map((p) =>
    typeof p === "string" && p.charCodeAt(0) === 0 && p in values ? values[p] : p,
  );
  return { ...compiled, parameters };
}

export async function listMembers(
  deps: Deps,
  access: OrgAccess,
  input: ListMembersInput,
): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  const limit = input.limit ?? 50;
  const rows = await runCompiled(deps.db, cachedMemberListQuery(deps.db, access.orgId, input, deps.clock()));
  const { page, nextCursor } = keysetPage(rows, limit);
  return {
    items: page.map((r) => ({
      kind: r.kind ?? "member",
      id: r.id,
      userId: r.kind === "invitation" ? null : r.id,
      invitationId: r.kind === "invitation" ? r.id : null,
      email: r.email,
      name: r.name,
      role: r.role,
      status: r.status as MemberListStatus,
      serviceAccount: r.service_account,
      createdAt: r.created_at.toISOString(),
      expiresAt: r.expires_at ? r.expires_at.toISOString() : null,
      metadata: r.metadata,
    })),
    nextCursor,
  };
}
