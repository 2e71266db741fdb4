import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgliteColdStartTimeout, startServerProcess, waitForExit } from "@roster/testing";
import { afterAll, describe, expect, it } from "vitest";

const main = new URL("../dist/main.js", import.meta.url).pathname;

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
});
