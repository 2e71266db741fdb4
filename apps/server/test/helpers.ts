import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient, type RosterClient } from "@roster/sdk";
import { type Config, loadConfig } from "../src/config.js";
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
  close(): Promise<void>;
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
  const server = await startServer({ config, database, clock, runWorker: false, ...options });
  const client = (token?: string) => createRosterClient({ url: server.url, token });
  let counter = 0;
  const test: TestServer = {
    url: server.url,
    server,
    database,
    clock,
    config,
    client,
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
    deliver: () => server.worker.drain(),
    async mailTo(address) {
      await server.worker.drain();
      return database.db
        .selectFrom("dev_mailbox")
        .select(["subject", "text", "html"])
        .where((eb) => eb(eb.fn("lower", ["to"]), "=", address.toLowerCase()))
        .orderBy("id")
        .execute();
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

/** Runs a promise expected to fail and returns the Roster error's code and reason. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; reason: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { message: string; data?: { code: string; reason: string } };
    if (!e.data) throw error;
    return { code: e.data.code, reason: e.data.reason, message: e.message };
  }
  throw new Error("Expected the call to fail, but it succeeded.");
}

export const silentLogger = createLogger("silent");
