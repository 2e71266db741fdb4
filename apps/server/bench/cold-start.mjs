#!/usr/bin/env node
// Cold start: the production build on a fresh, empty embedded data folder (PGlite), from spawn
// until /healthz answers 200. Prints one JSON line: {"coldStart":{"seconds":…}}.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@roster/testing";
import { NODE_FLAGS } from "../dist/node-flags.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "roster-cold-"));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const started = performance.now();
const child = spawn(process.execPath, [...NODE_FLAGS, main], {
  env: {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: "https://roster.cold.example",
    SECRET_KEY: "cold-secret-key-that-is-long-enough-00000",
    SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
    ROSTER_DATA_DIR: join(dataDir, "data"),
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
});
let seconds = null;
try {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        seconds = Math.round((performance.now() - started) / 10) / 100;
        break;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 25));
  }
} finally {
  const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ coldStart: { seconds } }));
if (seconds === null) process.exit(1);
