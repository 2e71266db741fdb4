#!/usr/bin/env node
// `pnpm bench`: Roster's production build and the raw node:http + pg reference server on one
// seeded Postgres database, driven by autocannon from a separate process, targets alternated per
// measurement; then idle CPU, cold start, the widgets' size, the web dashboard's weight and time to
// usable in Chromium (web-size), the soak test and the export of a
// 1,000,000-entry audit log (AUDIT_EXPORT_ROWS). Prints every figure and budget, writes
// bench/results/<date>.json and the results table of docs/benchmarks.md, and exits non-zero when
// a budget is missed. See docs/benchmarks.md ("How to reproduce") for the knobs.
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@roster/db/testing";
import { freePort } from "@roster/testing";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { NODE_FLAGS } from "../dist/node-flags.js";
import { evaluateBudgets, printBudgets, renderTable, replaceResults, summarize } from "./report.mjs";
import { addPeople, benchSizes, cursorAt, invitePeople, seedScale } from "./seed.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const env = process.env;
const number = (name, fallback) => Number(env[name] ?? fallback);
const settings = {
  connections: number("BENCH_CONNECTIONS", 10),
  seconds: number("BENCH_SECONDS", 5),
  warmupSeconds: number("BENCH_WARMUP_SECONDS", 1),
  rounds: number("BENCH_ROUNDS", 3),
  mutations: number("BENCH_MUTATIONS", 400),
  bulkRequests: number("BENCH_BULK_REQUESTS", 30),
  // One person inviting 100 colleagues waits for one request: concurrent batches into one
  // organization would only queue on its seat lock (both servers take it), measuring the queue.
  bulkConnections: number("BENCH_BULK_CONNECTIONS", 1),
  drainSeconds: number("BENCH_DRAIN_SECONDS", 15),
};
// autocannon needs at least one request per connection.
settings.mutations = Math.max(settings.mutations, settings.connections);
settings.bulkRequests = Math.max(settings.bulkRequests, settings.bulkConnections);
const parts = new Set(
  (env.BENCH_PARTS ?? "compare,idle,cold-start,widgets,web-size,soak,audit-export")
    .split(",")
    .map((p) => p.trim()),
);
const resultsDir = env.BENCH_RESULTS_DIR ? resolve(env.BENCH_RESULTS_DIR) : join(repo, "bench/results");
const docsPath =
  env.BENCH_DOCS === "none" ? null : resolve(env.BENCH_DOCS ?? join(repo, "docs/benchmarks.md"));
const SECRET_KEY = "bench-secret-key-that-is-long-enough-0000";
const log = (...args) => console.log("[bench]", ...args);

const date = new Date().toISOString().slice(0, 10);
/** The commit measured, so that a table can be read against the code it describes. */
function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
const results = {
  date,
  commit: commit(),
  startedAt: new Date().toISOString(),
  settings,
  sizes: null,
  machine: null,
  problems: [],
};
const work = mkdtempSync(join(tmpdir(), "roster-bench-"));

/** What to stop and drop when the run is interrupted (Ctrl-C, SIGTERM). */
const live = { children: new Set(), database: null };
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    for (const child of live.children) child.kill("SIGTERM");
    await live.database?.drop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}
const track = (child) => {
  live.children.add(child);
  child.once("exit", () => live.children.delete(child));
  return child;
};

/** Resident memory of a process, in MB, from /proc. */
function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Runs a node script to its end; resolves with its exit code and output. */
function runNode(script, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = track(
      spawn(process.execPath, [script, ...args], {
        cwd: options.cwd ?? here,
        env: { ...env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      }),
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** The last line of `text` that parses as a JSON object. */
function lastJsonLine(text) {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    const start = line.indexOf("{");
    if (start === -1) continue;
    try {
      return JSON.parse(line.slice(start));
    } catch {}
  }
  return null;
}

async function waitHealthy(url, child, what) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up (see ${work}).`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become healthy within 60 s.`);
}

function startProcess(script, extraEnv, logName) {
  const out = openSync(join(work, logName), "w");
  // Roster runs with its own Node.js options, as `pnpm --filter @roster/server start` runs it, or
  // with BENCH_ROSTER_NODE_FLAGS instead (e.g. "--max-semi-space-size=4 --trace-gc" to compare);
  // the raw server with Node's defaults, or BENCH_RAW_NODE_FLAGS (e.g. "--trace-gc-nvp").
  const rosterFlags = env.BENCH_ROSTER_NODE_FLAGS?.split(" ").filter(Boolean) ?? NODE_FLAGS;
  const rawFlags = env.BENCH_RAW_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const flags = script.endsWith("main.js") ? rosterFlags : rawFlags;
  return track(
    spawn(process.execPath, [...flags, script], {
      cwd: here,
      env: { PATH: env.PATH, ...extraEnv },
      stdio: ["ignore", out, out],
    }),
  );
}

async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A real SMTP server that accepts every message, for the production server's outbox. */
async function startSmtpSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Roster keeps its SMTP connections open: closing ends them (421) rather than waiting 30 s.
    closeTimeout: 100,
    onData(stream, _session, callback) {
      stream.on("end", () => {
        received += 1;
        callback();
      });
      stream.resume();
    },
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function call(base, method, path, token, input) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const response =
    method === "GET"
      ? await fetch(
          `${base}/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
          {
            headers,
          },
        )
      : await fetch(`${base}/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input) });
  return { status: response.status, body: await response.json() };
}

/** Ids, emails and times replaced by their kind, so two servers' answers to different rows compare. */
function shape(value) {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
      .replace(/[^"\s]+@[^"\s]+/g, "<email>"),
  );
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A member of a small organization of their own, refused by each of its policies in turn (two-factor
 * required, accepted sign-in methods, session lifetime, single sign-on enforced for their domain):
 * the same status and reason from both servers, so both do the policy work every call pays for.
 */
async function policyParity(client, targets, now) {
  const { rows } = await client.query(
    `insert into organizations (name, slug, metadata, created_at, updated_at)
     values ('Policy Org', 'bench-policy-org', '{}', $1, $1) returning id`,
    [now],
  );
  const orgId = rows[0].id;
  const [member] = await addPeople(client, {
    orgId,
    count: 1,
    label: "policy",
    role: "member",
    joinedBefore: now,
    now,
  });
  const reset = `update organizations set require_two_factor = false, allowed_sign_in_methods = null,
    session_max_age_minutes = null where id = $1`;
  const cases = [
    [
      "two-factor required",
      "MFA_REQUIRED",
      [`update organizations set require_two_factor = true where id = $1`],
    ],
    [
      "allowed sign-in methods",
      "SIGN_IN_METHOD_NOT_ALLOWED",
      [`update organizations set allowed_sign_in_methods = '{passkey}' where id = $1`],
    ],
    [
      "session lifetime",
      "SESSION_POLICY_EXPIRED",
      [
        `update organizations set session_max_age_minutes = 60 where id = $1`,
        `update sessions set created_at = now() - interval '2 hours'
         where user_id = (select user_id from memberships where org_id = $1)`,
      ],
    ],
    [
      "single sign-on enforced",
      "SSO_REQUIRED",
      [
        `insert into sso_connections (org_id, protocol, enforced, oidc_issuer, oidc_client_id, created_at, updated_at)
         values ($1, 'oidc', true, 'https://idp.bench.example', 'bench', now(), now())`,
        `insert into org_domains (org_id, domain, status, verification_token, verification_method, verified_at, created_at, updated_at)
         values ($1, 'bench.example.com', 'verified', 'bench', 'dns', now(), now(), now())`,
      ],
    ],
  ];
  const parity = [];
  for (const [name, reason, statements] of cases) {
    await client.query(reset, [orgId]);
    for (const statement of statements) await client.query(statement, [orgId]);
    const answers = [];
    for (const target of [targets.roster, targets.raw]) {
      const { status, body } = await call(target.url, "GET", "orgs.permissions", member.token, { orgId });
      answers.push({ status, reason: body?.error?.data?.reason });
    }
    parity.push({
      name: `orgs.permissions refused: ${name}`,
      same: answers.every((a) => a.status === 403 && a.reason === reason),
      status: answers.map((a) => `${a.status} ${a.reason}`),
    });
  }
  await client.query(`delete from organizations where id = $1`, [orgId]);
  return parity;
}

// ---------------------------------------------------------------------------------------------

async function compare() {
  const sizes = benchSizes();
  results.sizes = sizes;
  log(`seeding: ${JSON.stringify(sizes)}`);
  const database = await createTestDatabase({ poolSize: 2 });
  live.database = database;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const smtp = await startSmtpSink();
  let roster;
  let raw;
  try {
    const pgVersion = (await client.query("show server_version")).rows[0].server_version;
    results.machine = {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "",
      node: process.versions.node,
      postgres: `Postgres ${pgVersion}`,
    };
    const now = new Date();
    const seeded = await seedScale(client, sizes, now);
    const { bigOrgId: orgId, owner } = seeded;
    // Per server: people invited to accept (one invitation each) and members to remove.
    const perServer = settings.rounds * (settings.mutations + settings.connections) + 2;
    const older = new Date(now.getTime() - 800 * 24 * 3600 * 1000);
    const pools = {};
    for (const target of ["roster", "raw"]) {
      const invitees = await addPeople(client, { count: perServer, label: `joiner-${target}`, now });
      const accepting = await invitePeople(client, { orgId, inviterId: owner.id, people: invitees, now });
      const removable = await addPeople(client, {
        orgId,
        count: perServer,
        label: `leaver-${target}`,
        role: "member",
        joinedBefore: older,
        now,
      });
      pools[target] = { accepting, removable };
    }
    await client.query("analyze");
    const deepCursor = await cursorAt(client, orgId, sizes.deepOffset);
    results.seeding = { seconds: Math.round((Date.now() - now.getTime()) / 100) / 10 };
    log(`seeded in ${results.seeding.seconds} s`);

    const common = {
      DATABASE_URL: database.url,
      HOST: "127.0.0.1",
      SECRET_KEY,
      INVITATIONS_PER_ORG_PER_HOUR: "1000000000",
    };
    const rosterPort = await freePort();
    roster = startProcess(
      "../dist/main.js",
      {
        ...common,
        NODE_ENV: "production",
        PORT: String(rosterPort),
        PUBLIC_URL: "https://roster.bench.example",
        DATABASE_POOL_SIZE: "10",
        SMTP_URL: smtp.url,
        ...(env.BENCH_LOG_LEVEL ? { LOG_LEVEL: env.BENCH_LOG_LEVEL } : {}),
      },
      "roster.log",
    );
    const rawPort = await freePort();
    raw = startProcess(
      "raw-server.mjs",
      { ...common, PORT: String(rawPort), PUBLIC_URL: "https://roster.bench.example" },
      "raw.log",
    );
    const targets = {
      roster: { url: `http://127.0.0.1:${rosterPort}`, child: roster },
      raw: { url: `http://127.0.0.1:${rawPort}`, child: raw },
    };
    await waitHealthy(targets.roster.url, roster, "Roster");
    await waitHealthy(targets.raw.url, raw, "The raw server");

    const reads = [
      { name: "auth.me", method: "GET", path: "auth.me", input: undefined },
      { name: "orgs.permissions", method: "GET", path: "orgs.permissions", input: { orgId } },
      { name: "members.list first page", method: "GET", path: "members.list", input: { orgId } },
      {
        name: "members.list deep page",
        method: "GET",
        path: "members.list",
        input: { orgId, cursor: deepCursor },
      },
      { name: "members.list search", method: "GET", path: "members.list", input: { orgId, search: "zoe 3" } },
    ];

    // Both servers must answer alike before their speed means anything.
    results.parity = [];
    for (const read of reads) {
      const a = await call(targets.roster.url, "GET", read.path, owner.token, read.input);
      const b = await call(targets.raw.url, "GET", read.path, owner.token, read.input);
      results.parity.push({
        name: read.name,
        same: a.status === 200 && b.status === 200 && same(a.body, b.body),
        status: [a.status, b.status],
        items: a.body?.result?.data?.items?.length,
      });
    }
    // Every organization call applies the organization's policies; both servers refuse alike.
    for (const p of await policyParity(client, targets, now)) results.parity.push(p);
    const writes = {};
    for (const [name, path, input] of [
      [
        "invitations.create 1 address",
        "invitations.create",
        (t) => ({ orgId, emails: [`parity-${t}@invitees.example.com`], role: "member" }),
      ],
      [
        "invitations.create 100 addresses",
        "invitations.create",
        (t) => ({
          orgId,
          emails: Array.from({ length: 100 }, (_, i) => `parity-${t}-${i}@invitees.example.com`),
          role: "member",
        }),
      ],
    ]) {
      const a = await call(targets.roster.url, "POST", path, owner.token, input("roster"));
      const b = await call(targets.raw.url, "POST", path, owner.token, input("raw"));
      writes[name] = [a, b];
    }
    {
      const [ra, rb] = [pools.roster.accepting.pop(), pools.raw.accepting.pop()];
      writes["invitations.accept"] = [
        await call(targets.roster.url, "POST", "invitations.accept", ra.token, {
          invitationId: ra.invitationId,
        }),
        await call(targets.raw.url, "POST", "invitations.accept", rb.token, {
          invitationId: rb.invitationId,
        }),
      ];
      const [ma, mb] = [pools.roster.removable.pop(), pools.raw.removable.pop()];
      writes["members.remove"] = [
        await call(targets.roster.url, "POST", "members.remove", owner.token, { orgId, userIds: [ma.id] }),
        await call(targets.raw.url, "POST", "members.remove", owner.token, { orgId, userIds: [mb.id] }),
      ];
    }
    for (const [name, [a, b]] of Object.entries(writes)) {
      results.parity.push({
        name,
        same: a.status === 200 && b.status === 200 && same(shape(a.body), shape(b.body)),
        status: [a.status, b.status],
      });
    }
    for (const p of results.parity)
      log(`same answer from both servers, ${p.name}: ${p.same ? "yes" : `NO (${p.status})`}`);

    const calls = [
      ...reads.map((r) => ({
        name: r.name,
        plan: () => ({
          request: {
            method: "GET",
            path: r.input
              ? `/trpc/${r.path}?input=${encodeURIComponent(JSON.stringify(r.input))}`
              : `/trpc/${r.path}`,
          },
          seconds: settings.seconds,
        }),
      })),
      {
        name: "invitations.create 1 address",
        write: true,
        plan: (target, round) => ({
          request: {
            method: "POST",
            path: "/trpc/invitations.create",
            invite: { orgId, count: 1, role: "member", tag: `one-${target}-${round}` },
          },
          amount: settings.mutations,
        }),
      },
      {
        name: "invitations.accept",
        write: true,
        plan: (target) => {
          const items = pools[target].accepting.splice(0, settings.mutations + settings.connections);
          return {
            request: {
              method: "POST",
              path: "/trpc/invitations.accept",
              each: items.map((p) => ({ token: p.token, body: { invitationId: p.invitationId } })),
            },
            amount: settings.mutations,
          };
        },
      },
      {
        name: "members.remove",
        write: true,
        plan: (target) => {
          const items = pools[target].removable.splice(0, settings.mutations + settings.connections);
          return {
            request: {
              method: "POST",
              path: "/trpc/members.remove",
              each: items.map((p) => ({ body: { orgId, userIds: [p.id] } })),
            },
            amount: settings.mutations,
          };
        },
      },
      {
        name: "invitations.create 100 addresses",
        write: true,
        plan: (target, round) => ({
          request: {
            method: "POST",
            path: "/trpc/invitations.create",
            invite: { orgId, count: 100, role: "member", tag: `hundred-${target}-${round}` },
          },
          amount: settings.bulkRequests,
          connections: settings.bulkConnections,
        }),
      },
    ];
    const only = env.BENCH_CALLS ? new Set(env.BENCH_CALLS.split(",").map((s) => s.trim())) : null;

    results.calls = [];
    for (const c of calls) {
      if (only && !only.has(c.name)) continue;
      const runs = { roster: [], raw: [] };
      try {
        // Reads are warmed up first, both targets alike and not measured: the JIT's first second
        // of a code path measures the compiler, not the call.
        if (!c.write && settings.warmupSeconds > 0) {
          for (const target of ["roster", "raw"]) {
            const plan = { url: targets[target].url, connections: settings.connections, token: owner.token };
            await measure(
              { ...plan, ...c.plan(target, 0), seconds: settings.warmupSeconds },
              targets[target].child.pid,
            );
          }
        }
        for (let round = 1; round <= settings.rounds; round++) {
          for (const target of ["roster", "raw"]) {
            const backlog = c.write ? await drainOutbox(client) : 0;
            const plan = {
              url: targets[target].url,
              connections: settings.connections,
              token: owner.token,
              ...c.plan(target, round),
            };
            const run = {
              ...(await measure(plan, targets[target].child.pid)),
              outboxBacklogAtStart: backlog,
            };
            runs[target].push(run);
            log(
              `${c.name} · ${target} · round ${round}: ${Math.round(run.requestsPerSecond)} req/s, p50 ${run.latencyMs.p50} ms, ` +
                `p99 ${run.latencyMs.p99} ms, ${run.errors} errors, RSS ${Math.round(run.rssMb)} MB`,
            );
          }
        }
      } catch (error) {
        results.problems.push(`${c.name}: ${error.message}`);
        continue;
      }
      const summary = { name: c.name, roster: summarize(runs.roster), raw: summarize(runs.raw) };
      summary.ratio =
        summary.raw.requestsPerSecond > 0
          ? summary.roster.requestsPerSecond / summary.raw.requestsPerSecond
          : null;
      results.calls.push(summary);
    }
    results.emailsDelivered = smtp.received();
  } catch (error) {
    results.problems.push(`comparison: ${error.message}`);
    console.error(error);
    for (const name of ["roster.log", "raw.log"]) {
      try {
        console.error(
          `--- ${name} (last lines)\n${readFileSync(join(work, name), "utf8").split("\n").slice(-20).join("\n")}`,
        );
      } catch {}
    }
  } finally {
    if (roster) await stopProcess(roster);
    if (raw) await stopProcess(raw);
    // BENCH_LOG_DIR keeps both servers' output (a --trace-gc log, say) after the run.
    if (env.BENCH_LOG_DIR) {
      mkdirSync(env.BENCH_LOG_DIR, { recursive: true });
      for (const name of ["roster.log", "raw.log"]) {
        if (existsSync(join(work, name))) copyFileSync(join(work, name), join(env.BENCH_LOG_DIR, name));
      }
    }
    await client.end().catch(() => {});
    await database.drop();
    await smtp.close();
  }
}

/**
 * Waits (at most BENCH_DRAIN_SECONDS) for Roster's worker to deliver what is due, so one write
 * measurement pays as little as it can for the last one's email; returns what is still waiting.
 */
async function drainOutbox(client) {
  const deadline = Date.now() + settings.drainSeconds * 1000;
  for (;;) {
    const { rows } = await client.query(
      "select count(*)::int as n from outbox where status = 'pending' and next_attempt_at <= now()",
    );
    if (rows[0].n === 0 || Date.now() > deadline) return rows[0].n;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One autocannon run in its own process, sampling the server's resident memory meanwhile. */
async function measure(plan, pid) {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 200);
  const { code, stdout, stderr } = await runNode("load.mjs", [], { input: JSON.stringify(plan) });
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  const figures = lastJsonLine(stdout);
  if (code !== 0 || !figures)
    throw new Error(`the load process failed: ${stderr.trim().split("\n").slice(0, 6).join(" ")}`);
  return { ...figures, rssMb: Math.round(peak * 10) / 10 };
}

async function script(name, partName, options = {}) {
  log(`${partName}…`);
  const { code, stdout, stderr } = await runNode(name, [], { echo: true, ...options });
  const figures = lastJsonLine(stdout);
  if (!figures)
    results.problems.push(
      `${partName}: no figures (exit ${code}) ${stderr.trim().split("\n").slice(-2).join(" ")}`,
    );
  return { code, figures, stdout };
}

// ---------------------------------------------------------------------------------------------

try {
  if (parts.has("compare")) await compare();
  if (parts.has("idle")) {
    const { figures } = await script("idle.mjs", "idle CPU");
    if (figures) results.idle = figures.idle ?? figures;
  }
  if (parts.has("cold-start")) {
    const { figures } = await script("cold-start.mjs", "cold start");
    if (figures) results.coldStart = figures.coldStart ?? figures;
  }
  if (parts.has("widgets")) {
    log("widgets size…");
    const { code, stdout } = await runNode(join(repo, "packages/widgets/scripts/size.mjs"), [], {
      cwd: join(repo, "packages/widgets"),
      echo: true,
    });
    const match = /([\d.]+) kB gzipped .* the ([\d.]+) kB budget/.exec(stdout);
    if (match)
      results.widgets = { gzippedKb: Number(match[1]), budgetKb: Number(match[2]), pass: code === 0 };
    else results.problems.push(`widgets size: no figures (exit ${code})`);
  }
  if (parts.has("web-size")) {
    const { figures } = await script(
      join(repo, "apps/web/bench/dashboard.mjs"),
      "web dashboard size and speed",
      {
        cwd: join(repo, "apps/web"),
      },
    );
    if (figures) results.webSize = figures.webSize;
  }
  if (parts.has("soak")) {
    const { code, stdout } = await script("soak.mjs", "soak", {
      env: { SOAK_SECONDS: env.SOAK_SECONDS ?? "60" },
    });
    const figures = /soak: (\{.*\})/.exec(stdout);
    if (figures) results.soak = { ...JSON.parse(figures[1]), pass: code === 0 };
  }
  if (parts.has("audit-export")) {
    const { figures } = await script("audit-export.mjs", "audit export");
    if (figures) results.auditExport = figures.auditExport ?? figures;
  }
} catch (error) {
  results.problems.push(String(error?.message ?? error));
  console.error(error);
} finally {
  rmSync(work, { recursive: true, force: true });
}

results.finishedAt = new Date().toISOString();
results.budgets = evaluateBudgets(results);
results.pass = results.budgets.length > 0 && results.budgets.every((b) => b.pass);
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${date}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
if (docsPath) {
  let docs = "";
  try {
    docs = readFileSync(docsPath, "utf8");
  } catch {}
  writeFileSync(docsPath, replaceResults(docs || "# Benchmarks\n", renderTable(results)));
}
console.log("");
console.log(
  renderTable(results)
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .join("\n"),
);
console.log("");
printBudgets(results.budgets);
console.log(`\n${results.pass ? "PASS" : "FAIL"}: results in ${file}${docsPath ? ` and ${docsPath}` : ""}`);
process.exit(results.pass ? 0 : 1);
