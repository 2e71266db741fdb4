import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgliteColdStartTimeout, startServerProcess, waitForExit } from "@roster/testing";
import { afterAll, describe, expect, it } from "vitest";

const main = new URL("../dist/main.js", import.meta.url).pathname;
const start = new URL("../../../tooling/scripts/start.mjs", import.meta.url).pathname;

/** Runs a command to its end; its exit code and what it wrote to stderr. */
async function runToExit(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  return { code: await waitForExit(child), stderr };
}

describe("the server process", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-main-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "starts on embedded PGlite with no DATABASE_URL, answers /healthz, and exits cleanly on SIGTERM",
    async () => {
      const { child, port, output, exited } = await startServerProcess(process.execPath, [main], {
        dataDir: join(dir, "data"),
      });
      expect(output.text).toContain('"database":"pglite"');

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const lines = output.text.split("\n").filter((l) => l.startsWith("{"));
      expect(lines.every((l) => JSON.parse(l).level)).toBe(true);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output.text).toContain('"msg":"roster stopped"');
    },
    pgliteColdStartTimeout + 60_000,
  );

  it("refuses to start with a sentence naming a bad variable", async () => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: "not-a-port", ROSTER_DATA_DIR: join(dir, "data2") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    expect(await waitForExit(child)).toBe(1);
    expect(stderr).toMatch(/PORT is invalid/);
  });

  describe("on a port something else listens on", () => {
    let taken: Server;
    let port = 0;
    afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

    it("says so in one sentence, at once, before opening the database", async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      port = (taken.address() as { port: number }).port;
      const dataDir = join(dir, "never-created");
      const { code, stderr } = await runToExit([main], {
        PORT: String(port),
        HOST: "127.0.0.1",
        ROSTER_DATA_DIR: dataDir,
      });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `Port ${port} on 127.0.0.1 is already in use (is Roster already running?): stop what listens there or start with another PORT.`,
      );
      expect(existsSync(dataDir)).toBe(false);
    });

    it("pnpm start says so before building anything", async () => {
      const { code, stderr } = await runToExit([start], { PORT: String(port), HOST: "127.0.0.1" });
      expect(code).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([
        `Port ${port} on 127.0.0.1 is already in use (is Roster already running?): stop what listens there or start with another PORT, e.g. PORT=${port + 1} pnpm start.`,
      ]);
    });
  });
});
