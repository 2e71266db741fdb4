import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMemberListQuery, type ListMembersInput } from "../src/domain/member-list.js";
import { type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { cursorAt, type SeededOrg, seedBigOrganization } from "./seed.js";

/** One node of a Postgres JSON plan (EXPLAIN ANALYZE). */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** Rows a scan node read from its table: those it returned and those its filters threw away. */
const rowsRead = (n: PlanNode) =>
  (n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0) + (n["Rows Removed by Index Recheck"] ?? 0)) *
  n["Actual Loops"];

const describePlan = (plan: PlanNode) =>
  nodes(plan)
    .map((n) =>
      [
        n["Node Type"],
        n["Relation Name"] ?? "",
        n["Index Name"] ? `using ${n["Index Name"]}` : "",
        n["Index Cond"] ? `cond ${n["Index Cond"]}` : "",
        n.Filter ? `filter ${n.Filter}` : "",
        `rows ${n["Actual Rows"]}x${n["Actual Loops"]}`,
        n["Rows Removed by Filter"] ? `removed ${n["Rows Removed by Filter"]}` : "",
      ]
        .filter(Boolean)
        .join(" "),
    )
    .join("\n");

let t: TestServer;
let owner: SignedUpPerson;
let big: SeededOrg;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("Big Owner");
  big = await seedBigOrganization(t.database.db, { now: t.clock(), owner: owner.user.id });
}, 120_000);
afterAll(() => t?.close());

/** The plan Postgres runs for exactly the query members.list issues for `input`, run for row counts. */
async function planFor(input: ListMembersInput): Promise<PlanNode> {
  const query = buildMemberListQuery(t.database.db, big.orgId, input, t.clock());
  const { rows } = await t.database.db.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (analyze, format json) ${query.sql}`, [...query.parameters]),
  );
  return rows[0]!["QUERY PLAN"][0].Plan;
}

/** The cursor the 500th page hands out: 25,000 members in, half way down the list. */
const middleCursor = () => cursorAt(t.database.db, big.orgId, 500 * 50);

const PAGE = 51; // limit + 1: the list reads one row more than it shows, to know there is a next page

/**
 * Each case: the input, and how many rows the whole plan may read from memberships and invitations
 * (null: only "no sequential scan"). A keyset page must read about one page per side however deep
 * it is and whatever it filters on; a broad search reads in proportion to how rare matches are.
 */
const cases: [string, () => Promise<ListMembersInput>, number | null][] = [
  ["first page", async () => ({}), PAGE],
  ["a deep page (cursor of page 500)", async () => ({ cursor: await middleCursor() }), PAGE],
  ["search by name prefix", async () => ({ search: "Zoe 3f" }), 100],
  ["search by email prefix", async () => ({ search: "m4242" }), 100],
  // Prefixes whose match count the planner misjudged with coarse statistics (see migration 0006).
  ["search by email prefix, 111 matches", async () => ({ search: "m777" }), 300],
  ["search by name prefix, about 240 matches", async () => ({ search: "Kai 1" }), 600],
  ["search by a short, common name prefix", async () => ({ search: "ad" }), null],
  // Any word, not only the first: the hex word after the first name, and a small organization's
  // domain, whose 20 people are none of this organization's (the word index finds that at once).
  ["search by a word inside the name", async () => ({ search: "3f2a" }), 100],
  ["search by a domain no member has", async () => ({ search: "small3.example.com" }), 100],
  ["search by the domain every member has", async () => ({ search: "big.example.com" }), PAGE],
  ["status: active, deep page", async () => ({ status: "active", cursor: await middleCursor() }), 2 * PAGE],
  ["status: deactivated (2%)", async () => ({ status: "deactivated" }), PAGE],
  [
    "status: deactivated, deep page",
    async () => ({ status: "deactivated", cursor: await middleCursor() }),
    PAGE,
  ],
  ["status: invited", async () => ({ status: "invited" }), 2 * PAGE],
  // Expiry is relative to now, so it can only be a filter over the pending invitations (1 in 4 here).
  ["status: expired", async () => ({ status: "expired" }), 6 * PAGE],
  ["role: admin (1%)", async () => ({ role: "admin" }), PAGE],
  ["role: admin, deep page", async () => ({ role: "admin", cursor: await middleCursor() }), PAGE],
  ["role: auditor (0.1%, a custom role)", async () => ({ role: "auditor" }), PAGE],
  ["role: owner (one, the oldest member)", async () => ({ role: "owner" }), PAGE],
  ["including invitations", async () => ({ includeInvitations: true }), 2 * PAGE],
  [
    "including invitations, deep page",
    async () => ({ includeInvitations: true, cursor: await middleCursor() }),
    2 * PAGE,
  ],
  ["including invitations, by role", async () => ({ includeInvitations: true, role: "viewer" }), 4 * PAGE],
  ["including invitations, searching", async () => ({ includeInvitations: true, search: "i12" }), 100],
];

describe("members.list query plans on an organization of 100,000 members", () => {
  it.each(cases)("%s", async (_, input, budget) => {
    const plan = await planFor(await input());
    const scans = nodes(plan).filter((n) =>
      ["users", "memberships", "invitations"].includes(n["Relation Name"]!),
    );
    expect(scans.length, describePlan(plan)).toBeGreaterThan(0);
    expect(
      scans.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]),
      describePlan(plan),
    ).toEqual([]);
    if (budget !== null) {
      const read = scans
        .filter((n) => n["Relation Name"] !== "users")
        .reduce((sum, n) => sum + rowsRead(n), 0);
      expect(read, describePlan(plan)).toBeLessThanOrEqual(budget);
    }
  });
});

describe("members.list over HTTP on an organization of 100,000 members", () => {
  /** Members newest first straight from the table: what the list must show. */
  const expectedIds = async (offset: number, limit: number, withInvitations = false) => {
    const { rows } = await sql<{ id: string }>`
      select id from (
        select user_id as id, created_at from memberships where org_id = ${big.orgId}
        ${withInvitations ? sql`union all select id, created_at from invitations where org_id = ${big.orgId} and status = 'pending'` : sql``}
      ) x order by created_at desc, id desc offset ${offset} limit ${limit}`.execute(t.database.db);
    return rows.map((r) => r.id);
  };

  it("shows the 50 newest members first, and nextCursor continues exactly where the page ended", async () => {
    const first = await owner.client.members.list.query({ orgId: big.orgId });
    expect(first.items).toHaveLength(50);
    expect(first.items.map((i) => i.id)).toEqual(await expectedIds(0, 50));
    expect(first.items[0]!.createdAt).toBe(big.newest.toISOString());
    const times = first.items.map((i) => Date.parse(i.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(first.items.every((i) => i.kind === "member" && i.userId === i.id)).toBe(true);
    expect(first.nextCursor).toEqual(expect.any(String));

    const row = await t.database.db
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["u.email", "u.name", "m.role", "m.status"])
      .where("m.org_id", "=", big.orgId)
      .where("m.user_id", "=", first.items[7]!.id)
      .executeTakeFirstOrThrow();
    expect(first.items[7]).toMatchObject(row);

    const second = await owner.client.members.list.query({ orgId: big.orgId, cursor: first.nextCursor! });
    expect(second.items.map((i) => i.id)).toEqual(await expectedIds(50, 50));
  });

  it("pages from the middle of the list as exactly as from the top", async () => {
    const cursor = await middleCursor();
    const page = await owner.client.members.list.query({ orgId: big.orgId, cursor, limit: 100 });
    expect(page.items.map((i) => i.id)).toEqual(await expectedIds(25_000, 100));
    const next = await owner.client.members.list.query({ orgId: big.orgId, cursor: page.nextCursor! });
    expect(next.items.map((i) => i.id)).toEqual(await expectedIds(25_100, 50));
  });

  it("merges open invitations into the same order", async () => {
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let page = 0; page < 4; page++) {
      const result = await owner.client.members.list.query({
        orgId: big.orgId,
        includeInvitations: true,
        limit: 100,
        cursor,
      });
      seen.push(...result.items.map((i) => i.id));
      cursor = result.nextCursor!;
    }
    expect(seen).toEqual(await expectedIds(0, 400, true));
  });
});
