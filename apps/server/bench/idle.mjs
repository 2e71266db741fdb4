#!/usr/bin/env node
// Idle CPU: the production build started on Postgres and on the embedded database (PGlite), left
// alone, its CPU time read from /proc/<pid>/stat over IDLE_SECONDS (default 60). Prints one JSON
// line: {"idle":{"postgres":{"cpuPercent":…},"pglite":{"cpuPercent":…}}}, percent of one core.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@roster/db/testing";
import { freePort } from "@roster/testing";
import { NODE_FLAGS } from "../dist/node-flags.js";

const seconds = Number(process.env.IDLE_SECONDS ?? 60);
const settleSeconds = Number(process.env.IDLE_SETTLE_SECONDS ?? 5);
const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function start(extraEnv) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...NODE_FLAGS, main], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: "https://roster.idle.example",
      SECRET_KEY: "idle-secret-key-that-is-long-enough-00000",
      // Nothing is sent while idle; the address only satisfies production's configuration.
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("the server exited during start-up");
    try {
      if ((await fetch(`${url}/healthz`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("the server did not become healthy within 120 s");
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}

const database = await createTestDatabase();
const dataDir = mkdtempSync(join(tmpdir(), "roster-idle-"));
const servers = {};
try {
  servers.postgres = await start({ DATABASE_URL: database.url });
  servers.pglite = await start({ ROSTER_DATA_DIR: join(dataDir, "data") });
  await new Promise((r) => setTimeout(r, settleSeconds * 1000));
  const before = Object.fromEntries(Object.entries(servers).map(([k, c]) => [k, cpuTicks(c.pid)]));
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const idle = {};
  for (const [name, child] of Object.entries(servers)) {
    const used = (cpuTicks(child.pid) - before[name]) / ticksPerSecond;
    idle[name] = {
      cpuPercent: Math.round((used / elapsed) * 10000) / 100,
      cpuSeconds: used,
      seconds: Math.round(elapsed),
    };
  }
  console.log(JSON.stringify({ idle }));
} finally {
  for (const child of Object.values(servers)) await stop(child);
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
