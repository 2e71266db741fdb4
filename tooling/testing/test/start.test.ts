import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import {
  alive,
  captureOutput,
  descendants,
  freePort,
  pgliteColdStartTimeout,
  portInUse,
  waitForExit,
} from "../src/index.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "roster-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(
  "README's `pnpm start` stops with SIGTERM sent to it: the port is freed and no process is left",
  async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      ROSTER_DATA_DIR: join(dir, "data"),
      LOG_LEVEL: "info",
    };
    delete env.DATABASE_URL;
    delete env.SECRET_KEY;
    const start = spawn("pnpm", ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = waitForExit(start);
    const output = captureOutput(start);
    await output.waitFor(`Roster is running at http://127.0.0.1:${port}`, pgliteColdStartTimeout);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const launched = descendants(start.pid!);
    expect(launched.length).toBeGreaterThan(0);

    start.kill("SIGTERM");
    await exited;
    await expect.poll(() => launched.filter(alive), { timeout: 30_000 }).toEqual([]);
    expect(await portInUse(port)).toBe(false);
    expect(output.text).toContain('"msg":"roster stopped"');
  },
  pgliteColdStartTimeout + 60_000,
);
