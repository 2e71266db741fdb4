import { type ChildProcess, spawn } from "node:child_process";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient } from "@roster/sdk";
import { freePort } from "@roster/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "./helpers.js";

/**
 * The server process killed with SIGKILL in the middle of a bulk call leaves all of the call's
 * changes or none: each bulk call is one transaction, and Postgres rolls back what never committed.
 */

const main = new URL("../dist/main.js", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

async function startChild(databaseUrl: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SECRET_KEY: "crash-test-secret-key-long-enough-000000",
      LOG_LEVEL: "warn",
      INVITATIONS_PER_ORG_PER_HOUR: "100000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 30_000;
  while (!output.includes("Roster is running at")) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start within 30 s:\n${output}`);
    }
    await sleep(50);
  }
  return { process: child, url: `http://127.0.0.1:${port}`, exited };
}

/** Sends one tRPC mutation and SIGKILLs the server `delayMs` after the request went out. */
async function killDuring(child: Child, token: string, path: string, input: unknown, delayMs: number) {
  const call = fetch(`${child.url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  }).then(
    (res) => res.status,
    () => "connection lost" as const,
  );
  await sleep(delayMs);
  child.process.kill("SIGKILL");
  expect(await child.exited).toBe("SIGKILL");
  return call;
}

// Each test starts the server eight times over: generous limits for a loaded machine.
describe("SIGKILL during bulk calls", { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let orgId: string;
  let token: string;
  const outcomes: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const child = await startChild(database.url);
    try {
      const client = createRosterClient({ url: child.url });
      const signedUp = await client.auth.signUp.mutate({
        email: "owner@example.com",
        password: PASSWORD,
        name: "Owner",
      });
      token = signedUp.token;
      await database.db.updateTable("users").set({ email_verified_at: new Date() }).execute();
      const [org] = await createRosterClient({ url: child.url, token }).orgs.list.query();
      orgId = org!.id;
    } finally {
      child.process.kill("SIGKILL");
      await child.exited;
    }
  });
  afterAll(async () => {
    console.log(`SIGKILL outcomes: ${outcomes.join(", ")}`);
    await database?.drop();
  });

  it("leaves every invitation of a 100-address invitations.create, or none", async () => {
    for (const [round, delayMs] of [0, 30, 120, 250, 400, 600, 900, 2000].entries()) {
      const child = await startChild(database.url);
      const emails = Array.from({ length: 100 }, (_, i) => `r${round}-${i}@example.com`);
      const status = await killDuring(
        child,
        token,
        "invitations.create",
        { orgId, emails, role: "member" },
        delayMs,
      );
      const invited = await database.db
        .selectFrom("invitations")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("email", "like", `r${round}-%`)
        .executeTakeFirstOrThrow();
      // By recipient (the lane is the address): the payload's sealed body is base64url, which
      // contains any short text such as "r5-" by chance once there are a few hundred of them.
      const emailed = await sql<{ n: string }>`select count(*) as n from outbox
          where kind = 'email' and lane_key like ${`r${round}-%`}`.execute(database.db);
      outcomes.push(`invite +${delayMs}ms: ${invited.n} invited (${status})`);
      expect([0, 100]).toContain(Number(invited.n));
      // The emails go in the same transaction as the invitations.
      expect(Number(emailed.rows[0]!.n) === 0).toBe(Number(invited.n) === 0);
    }
  });

  it("removes every member of a bulk members.remove, or none", async () => {
    for (const [round, delayMs] of [0, 30, 120, 250, 400, 600, 2000].entries()) {
      const users = await database.db
        .insertInto("users")
        .values(
          Array.from({ length: 100 }, (_, i) => ({
            email: `m${round}-${i}@example.com`,
            name: `Member ${i}`,
            password_hash: null,
            email_verified_at: new Date(),
            updated_at: new Date(),
          })),
        )
        .returning("id")
        .execute();
      const now = new Date();
      await database.db
        .insertInto("memberships")
        .values(
          users.map((u) => ({
            org_id: orgId,
            user_id: u.id,
            role: "member",
            status: "active" as const,
            metadata: JSON.stringify({}),
            invited_by: null,
            created_at: now,
            updated_at: now,
            deactivated_at: null,
          })),
        )
        .execute();
      const userIds = users.map((u) => u.id);
      const child = await startChild(database.url);
      const status = await killDuring(child, token, "members.remove", { orgId, userIds }, delayMs);
      const left = await database.db
        .selectFrom("memberships")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("org_id", "=", orgId)
        .where("user_id", "in", userIds)
        .executeTakeFirstOrThrow();
      outcomes.push(`remove +${delayMs}ms: ${100 - Number(left.n)} removed (${status})`);
      expect([0, 100]).toContain(Number(left.n));
    }
  });
});
