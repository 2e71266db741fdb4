import { request } from "node:http";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient, type RosterClient } from "@roster/sdk";
import { sql } from "kysely";
import { type Config, loadConfig } from "../src/config.js";
import type { LockPoint } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { type RosterOptions, type RunningServer, startServer } from "../src/server.js";

export interface TestClock {
  (): Date;
  /** Moves time forward without sleeping. */
  advance(seconds: number): void;
  set(date: Date): void;
}

export function testClock(start = new Date("2026-06-01T12:00:00Z")): TestClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.advance = (seconds) => {
    now += seconds * 1000;
  };
  clock.set = (date) => {
    now = date.getTime();
  };
  return clock;
}

export interface TestServer {
  url: string;
  server: RunningServer;
  database: TestDatabase;
  clock: TestClock;
  config: Config;
  /** A client with no credentials, or with a bearer token. */
  client(token?: string): RosterClient;
  /** Signs a new person up; returns their client (bearer) and user. */
  signUp(name: string, email?: string): Promise<SignedUpPerson>;
  /** Delivers everything due in the outbox now. */
  deliver(): Promise<number>;
  /** Emails sent to an address through the dev mailbox, oldest first. */
  mailTo(address: string): Promise<{ subject: string; text: string; html: string | null }[]>;
  /** What the server logged at `warn` and above (it logs nothing to stdout in tests), oldest first. */
  warnings: Record<string, unknown>[];
  /** Keeps the next transaction that takes `lock` inside it until released (see LockGate). */
  holdLock(lock: LockPoint): LockGate;
  close(): Promise<void>;
}

/**
 * Makes a race deterministic: the first transaction to take the lock is held inside it; then a
 * second request is started, and `contended()` tells whether it waits for the lock ("waiting",
 * seen in pg_stat_activity) or goes past the point where the lock is taken ("passed": the lock
 * is missing). After `release()` both finish.
 */
export interface LockGate {
  /** Resolves once a transaction holds the lock and is kept there. */
  held: Promise<void>;
  contended(): Promise<"waiting" | "passed">;
  release(): void;
}

export interface SignedUpPerson {
  client: RosterClient;
  token: string;
  user: { id: string; email: string; name: string; emailVerified: boolean };
  email: string;
  password: string;
}

export const PASSWORD = "correct horse battery staple";

export async function startTestServer(
  env: Record<string, string> = {},
  options: Pick<RosterOptions, "resolveHost"> = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const clock = testClock();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://roster.test",
    SECRET_KEY: "test-secret-key-that-is-long-enough-000",
    LOG_LEVEL: "silent",
    // Fixtures sign many people up from one loopback address; the limit has tests of its own.
    SIGN_UPS_PER_IP_PER_HOUR: "100000",
    ...env,
  });
  let afterLock: ((lock: LockPoint, key: string) => Promise<void>) | undefined;
  const warnings: Record<string, unknown>[] = [];
  const server = await startServer({
    config,
    database,
    clock,
    logger: createLogger("warn", {}, (line) => warnings.push(JSON.parse(line))),
    runWorker: false,
    afterLock: (lock, key) => afterLock?.(lock, key) ?? Promise.resolve(),
    ...options,
  });
  const client = (token?: string) => createRosterClient({ url: server.url, token });
  let counter = 0;
  const test: TestServer = {
    url: server.url,
    server,
    database,
    clock,
    config,
    client,
    warnings,
    async signUp(name, email) {
      counter += 1;
      const address = email ?? `${name.toLowerCase().replace(/\W+/g, ".")}.${counter}@example.com`;
      const result = await client().auth.signUp.mutate({ email: address, password: PASSWORD, name });
      return {
        client: client(result.token),
        token: result.token,
        user: result.user,
        email: address,
        password: PASSWORD,
      };
    },
    async deliver() {
      await server.settle();
      return server.worker.drain();
    },
    async mailTo(address) {
      await server.settle();
      await server.worker.drain();
      return database.db
        .selectFrom("dev_mailbox")
        .select(["subject", "text", "html"])
        .where((eb) => eb(eb.fn("lower", ["to"]), "=", address.toLowerCase()))
        .orderBy("id")
        .execute();
    },
    holdLock(lock) {
      let held!: () => void;
      let release!: () => void;
      let passed!: () => void;
      const heldP = new Promise<void>((r) => {
        held = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      const passedP = new Promise<"passed">((r) => {
        passed = () => r("passed");
      });
      let holding = false;
      afterLock = async (at) => {
        if (at !== lock) return;
        if (holding) return passed(); // another transaction got here while the first holds the lock
        holding = true;
        held();
        await released;
        afterLock = undefined;
      };
      let settled = false;
      const waiting = async (): Promise<"waiting"> => {
        for (let i = 0; i < 500 && !settled; i++) {
          const { rows } = await sql<{ n: string }>`
            select count(*) as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db);
          if (Number(rows[0]?.n) > 0) return "waiting";
          await new Promise((r) => setTimeout(r, 10));
        }
        if (settled) return "waiting"; // the race is over; this answer is not used
        throw new Error(`Nothing waited for or passed the ${lock} lock within 5 s.`);
      };
      return {
        held: heldP,
        contended: async () => {
          const outcome = await Promise.race([passedP, waiting()]);
          settled = true;
          return outcome;
        },
        release,
      };
    },
    async close() {
      await server.close();
      await database.drop();
    },
  };
  return test;
}

/** The token at the end of the first link to `path` (e.g. "/invite/") in an email body. */
export function linkToken(text: string, path: string): string {
  const match = text.match(new RegExp(`${path.replace(/\//g, "\\/")}([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`No ${path} link in: ${text}`);
  return match[1];
}

/** Runs a promise expected to fail; the Roster error's reason and details. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ reason: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: { reason: string; details?: Record<string, unknown> } }).data;
    if (!data) throw error;
    return { reason: data.reason, details: data.details ?? {} };
  }
  throw new Error("Expected the call to be refused.");
}

/** Runs a promise expected to fail and returns the Roster error's code and reason. */
export async function failure(promise: Promise<unknown>): Promise<{
  code: string;
  reason: string;
  message: string;
  issues?: { path: string[]; message: string }[];
}> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      message: string;
      data?: { code: string; reason: string; issues?: { path: string[]; message: string }[] };
    };
    if (!e.data) throw error;
    const { code, reason, issues } = e.data;
    return { code, reason, message: e.message, ...(issues ? { issues } : {}) };
  }
  throw new Error("Expected the call to fail, but it succeeded.");
}

export const silentLogger = createLogger("silent");

/** Calls a mutation over HTTP from a chosen loopback address, as another network would. */
export function mutateFrom(
  t: TestServer,
  localAddress: string,
  path: string,
  input: unknown,
): Promise<{ status: number; reason: string | null }> {
  const url = new URL(`/trpc/${path}`, t.url);
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", localAddress, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => {
          const json = JSON.parse(text) as { error?: { data?: { reason?: string } } };
          resolve({ status: res.statusCode ?? 0, reason: json.error?.data?.reason ?? null });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
