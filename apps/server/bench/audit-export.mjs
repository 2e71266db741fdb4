#!/usr/bin/env node
// Audit export memory: the built server (dist/main.js) on a fresh Postgres database with
// AUDIT_EXPORT_ROWS (default 1,000,000) audit entries in one organization, seeded with multi-row
// INSERT … SELECT generate_series; the whole log is then exported as JSON Lines and as CSV over
// loopback HTTP while the server's resident memory is sampled. Reports rows, bytes, time and the
// peak RSS growth over the idle server; fails when it grows more than AUDIT_EXPORT_MAX_GROWTH_MB
// (default 150), i.e. when the export holds the log in memory instead of streaming it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@roster/db/testing";
import { freePort } from "@roster/testing";
import pg from "pg";
import { NODE_FLAGS } from "../dist/node-flags.js";

const rows = Number(process.env.AUDIT_EXPORT_ROWS ?? 1_000_000);
const maxGrowthMb = Number(process.env.AUDIT_EXPORT_MAX_GROWTH_MB ?? 150);
const database = await createTestDatabase();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  [...NODE_FLAGS, fileURLToPath(new URL("../dist/main.js", import.meta.url))],
  {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: url,
      SECRET_KEY: "bench-secret-key-that-is-long-enough-0000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const log = (...args) => console.log("[audit-export]", ...args);

async function call(path, input, token, kind = "mutation") {
  const headers = {
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const response =
    kind === "query"
      ? await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(`${url}/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input) });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

try {
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 300) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  const { token, user } = await call("auth.signUp", {
    email: "exporter@example.com",
    password: "a passphrase of some length",
    name: "Exporter",
  });
  const [org] = await call("orgs.list", {}, token, "query");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const seeded = performance.now();
  for (let start = 0; start < rows; start += 100_000) {
    const end = Math.min(rows, start + 100_000);
    await client.query(
      `insert into audit_events (org_id, actor_id, action, target_type, target_id, data, ip, user_agent, created_at)
       select $1, $2, 'member.role_changed', 'user', md5(i::text), jsonb_build_object('from', 'member', 'to', 'admin', 'n', i),
         '127.0.0.1', 'bench', now() - (i || ' seconds')::interval
       from generate_series($3::int, $4::int) as i`,
      [org.id, user.id, start + 1, end],
    );
  }
  await client.query("analyze audit_events");
  // Sign-up wrote an entry of its own.
  const total = Number(
    (await client.query("select count(*) as n from audit_events where org_id = $1", [org.id])).rows[0].n,
  );
  await client.end();
  log(`seeded ${rows} entries in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const results = {};
  for (const format of ["jsonl", "csv"]) {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb();
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb());
    }, 100);
    const started = performance.now();
    const response = await fetch(`${url}/audit/export?orgId=${org.id}&format=${format}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`export: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const entries = format === "csv" ? lines - 1 : lines;
    results[format] = {
      entries,
      megabytes: +(bytes / 1e6).toFixed(1),
      seconds: +seconds.toFixed(1),
      idleRssMb: +idle.toFixed(0),
      peakRssMb: +peak.toFixed(0),
      growthMb: +(peak - idle).toFixed(0),
    };
    log(format, results[format]);
    if (entries !== total) throw new Error(`${format}: exported ${entries} of ${total} entries`);
    if (peak - idle > maxGrowthMb) {
      throw new Error(
        `${format}: resident memory grew ${(peak - idle).toFixed(0)} MB (budget ${maxGrowthMb} MB)`,
      );
    }
  }
  console.log(JSON.stringify({ auditExport: { rows, ...results } }));
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await database.drop?.();
}
