import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { loadConfig, type RunningServer, startServer } from "@roster/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

let database: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    SECRET_KEY: "s".repeat(40),
    LOG_LEVEL: "silent",
  });
  server = await startServer({ config, database, runWorker: false });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe("the built SDK", () => {
  it("is importable from a plain Node ESM script and talks to a running server", async () => {
    const script = `
      import { createRosterClient, isRosterError } from "@roster/sdk";
      const anonymous = createRosterClient({ url: process.env.ROSTER_URL });
      const { token, user } = await anonymous.auth.signUp.mutate({
        email: "script@example.com", password: "long enough password", name: "Script" });
      const me = await createRosterClient({ url: process.env.ROSTER_URL, token }).auth.me.query();
      let reason;
      try { await anonymous.auth.me.query(); } catch (e) { reason = isRosterError(e, "UNAUTHENTICATED") && e.data.reason; }
      console.log(JSON.stringify({ id: user.id, me: me.user.id, reason }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageDir,
      env: { ...process.env, ROSTER_URL: server.url },
    });
    const result = JSON.parse(stdout.trim());
    expect(result.me).toBe(result.id);
    expect(result.reason).toBe("UNAUTHENTICATED");
  });
});
