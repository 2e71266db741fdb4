import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const main = new URL("../dist/main.js", import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("the server process", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-main-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("starts on embedded PGlite with no DATABASE_URL, answers /healthz, and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      ROSTER_DATA_DIR: join(dir, "data"),
    };
    delete env.DATABASE_URL;
    delete env.SECRET_KEY;
    const child = spawn(process.execPath, [main], { env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = waitForExit(child);
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr!.on("data", (chunk) => {
      output += chunk;
    });

    const deadline = Date.now() + 60_000;
    while (!output.includes("Roster is running at") && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain(`Roster is running at http://127.0.0.1:${port}`);
    expect(output).toContain('"database":"pglite"');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const lines = output.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.every((l) => JSON.parse(l).level)).toBe(true);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"roster stopped"');
  });

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
