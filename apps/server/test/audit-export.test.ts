import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

/** Seeds `n` audit entries in one multi-row insert per 1,000. */
async function seed(orgId: string, actorId: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 1000) {
    const count = Math.min(1000, n - start);
    await sql`insert into audit_events (org_id, actor_id, action, target_type, target_id, data, created_at)
      select ${orgId}, ${actorId}, case when i % 2 = 0 then 'seed.even' else 'seed.odd' end, 'thing',
        'thing-' || i, jsonb_build_object('i', i, 'note', 'has "quotes", commas'), now()
      from generate_series(${start + 1}::int, ${start + count}::int) as i`.execute(t.database.db);
  }
}

const reason = async (res: Response) => ((await res.json()) as { error: { reason: string } }).error.reason;

const get = (token: string, query: string) =>
  fetch(`${t.url}/audit/export?${query}`, { headers: { authorization: `Bearer ${token}` } });

describe("audit log export", () => {
  it("streams every matching entry as JSON Lines and CSV, page after page, with the list's filters", async () => {
    const owner = await verifiedPerson(t, "Export Owner");
    const orgId = await personalOrg(owner);
    await seed(orgId, owner.user.id, 2500);
    const jsonl = await get(owner.token, `orgId=${orgId}&format=jsonl&action=seed.odd`);
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await jsonl.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1250);
    expect(new Set(lines.map((l) => l.id)).size).toBe(1250);
    expect(lines.every((l) => l.action === "seed.odd")).toBe(true);
    // Newest first, across page boundaries.
    expect(lines.map((l) => Number(l.id))).toEqual(lines.map((l) => Number(l.id)).sort((a, b) => b - a));

    const csv = await get(owner.token, `orgId=${orgId}&format=csv&targetType=thing&targetId=thing-7`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = (await csv.text()).trim().split("\r\n");
    expect(rows[0]).toBe(
      "id,created_at,action,actor_id,actor_email,target_type,target_id,ip,user_agent,data",
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(`seed.odd,${owner.user.id},${owner.email},thing,thing-7,,,`);
    expect(rows[1]).toContain('"{""i"":7,""note"":""has \\""quotes\\"", commas""}"');
  });

  it("is refused without audit:read, to another organization and with a bad range, before any row is sent", async () => {
    const owner = await verifiedPerson(t, "Export Guard");
    const orgId = await personalOrg(owner);
    const viewer = await verifiedPerson(t, "Export Viewer");
    await addMember(t, owner, orgId, viewer, "viewer");
    const outsider = await verifiedPerson(t, "Export Outsider");
    const denied = await get(viewer.token, `orgId=${orgId}`);
    expect([denied.status, await reason(denied)]).toEqual([403, "PERMISSION_DENIED"]);
    const foreign = await get(outsider.token, `orgId=${orgId}`);
    expect([foreign.status, await reason(foreign)]).toEqual([404, "ORG_NOT_FOUND"]);
    const range = await get(owner.token, `orgId=${orgId}&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
    expect([range.status, await reason(range)]).toEqual([400, "INVALID_RANGE"]);
    const anonymous = await fetch(`${t.url}/audit/export?orgId=${orgId}`);
    expect(anonymous.status).toBe(401);
  });
});
