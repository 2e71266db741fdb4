import { bench, describe } from "vitest";
import { startTestServer } from "../test/helpers.js";
import { cursorAt, seedBigOrganization } from "../test/seed.js";

// members.list through the SDK over real HTTP, on one organization of 100,000 members and 1,000
// open invitations (seeded straight into a fresh Postgres database, see test/seed.ts).
const t = await startTestServer();
const owner = await t.signUp("Bench Owner");
const big = await seedBigOrganization(t.database.db, { now: t.clock(), owner: owner.user.id });
const orgId = big.orgId;
const deepCursor = await cursorAt(t.database.db, orgId, 500 * 50);

async function list(input: Parameters<typeof owner.client.members.list.query>[0], expected: number) {
  const page = await owner.client.members.list.query(input);
  if (page.items.length !== expected) {
    throw new Error(`expected ${expected} items, got ${page.items.length}`);
  }
}

// Benchmarks have no afterAll: the last one to finish closes the server and drops the database.
const cases = [
  ["first page", () => list({ orgId }, 50)],
  ["deep page (page 500, by cursor)", () => list({ orgId, cursor: deepCursor }, 50)],
  ["search by name prefix", () => list({ orgId, search: "Zoe 3f" }, 18)],
  ["search by email prefix", () => list({ orgId, search: "m4242" }, 11)],
  ["first page with invitations", () => list({ orgId, includeInvitations: true }, 50)],
] as const;
let running = cases.length;
const options = {
  time: 2_000,
  async teardown(_: unknown, mode: "warmup" | "run") {
    if (mode === "run" && --running === 0) await t.close();
  },
};

describe("members.list, 100,000 members, over HTTP", () => {
  for (const [name, fn] of cases) bench(name, fn, options);
});
