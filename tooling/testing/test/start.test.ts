import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { alive, descendants, pgliteColdStartTimeout, portInUse, startServerProcess } from "../src/index.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "roster-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(
  "README's `pnpm start` stops with SIGTERM sent to it: the port is freed and no process is left",
  async () => {
    const server = await startServerProcess("pnpm", ["start"], {
      cwd: root,
      dataDir: join(dir, "data"),
      env: { LOG_LEVEL: "info" },
    });
    const { child: pnpm, port, output, exited } = server;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const launched = descendants(pnpm.pid!);
    expect(launched.length).toBeGreaterThan(0);

    pnpm.kill("SIGTERM");
    await exited;
    await expect.poll(() => launched.filter(alive), { timeout: 30_000 }).toEqual([]);
    expect(await portInUse(port)).toBe(false);
    expect(output.text).toContain('"msg":"roster stopped"');
  },
  pgliteColdStartTimeout + 60_000,
);
