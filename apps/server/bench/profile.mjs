#!/usr/bin/env node
// Where the time goes: the production build (dist/main.js, NODE_ENV=production) on a fresh Postgres
// database with one organization of PROFILE_MEMBERS members (default 100,000). For each call it
// (1) counts the SQL round trips and statements one request sends, on the wire, through a counting
// proxy, and (2) drives the call with autocannon (its own process) for PROFILE_SECONDS (default 10)
// while the server records a V8 CPU profile, then prints the top entries by self time.
// Usage: pnpm --filter @roster/server build && node bench/profile.mjs [--raw] [call…]
// Output: one JSON line per call; profiles are kept in PROFILE_DIR (default bench/profiles).
// With --cpu it records no profile: it measures the CPU time (user + system, from /proc) each
// server process spends per request, Roster's and the raw server's (bench/raw-server.mjs), under
// the same load, alternated, and (`postgres`) what the database's backends spend on it meanwhile.
// CPU per request depends far less on other load than requests/s. Each figure also gives the
// process's peak resident memory (VmHWM) over its warm-up and measurement.
// With --alloc it measures the bytes each server allocates per request (V8's sampling heap profiler,
// bench/alloc-sampler.mjs, after a warm-up), Roster's and the raw server's, and the functions that
// allocate most; every allocation counts, including those the next scavenge frees.
// PROFILE_NODE_FLAGS adds Node options to every server started (e.g. "--max-semi-space-size=8").
// With ALLOC_SURVIVORS=1, --alloc counts only what outlives a scavenge: the objects the young
// generation copies or promotes, which is what makes a scavenge take long.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@roster/db/testing";
import { freePort } from "@roster/testing";
import { sql } from "kysely";
import { SMTPServer } from "smtp-server";
import { NODE_FLAGS } from "../dist/node-flags.js";
import { summarizeAllocations, summarizeProfile } from "./cpu-top.mjs";
import { startWireCounter } from "./pg-wire.mjs";

const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
const members = Number(process.env.PROFILE_MEMBERS ?? 100_000);
const connections = Number(process.env.PROFILE_CONNECTIONS ?? 10);
const profileDir = process.env.PROFILE_DIR ?? fileURLToPath(new URL("./profiles", import.meta.url));
const mainJs = fileURLToPath(new URL("../dist/main.js", import.meta.url));
// --cpu also measures another build of Roster's main.js (an earlier commit's) when this names one.
const otherMainJs = process.env.PROFILE_COMPARE_MAIN;
const serverLog = process.env.PROFILE_SERVER_LOG;
const rawJs = fileURLToPath(new URL("./raw-server.mjs", import.meta.url));
const secretKey = "profile-secret-key-long-enough-0000000000";
const loadJs = fileURLToPath(new URL("./load.mjs", import.meta.url));
const allocJs = fileURLToPath(new URL("./alloc-sampler.mjs", import.meta.url));

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  // Roster keeps its SMTP connections open: closing ends them (421) rather than waiting 30 s.
  closeTimeout: 100,
  onData(stream, _session, done) {
    stream.resume();
    stream.on("end", () => done());
  },
});
const smtpPort = await freePort();
await new Promise((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));

const database = await createTestDatabase();
const dbUrl = new URL(database.url);

/** Starts dist/main.js in production mode; resolves once /healthz answers. */
async function startServer({
  databasePort = Number(dbUrl.port),
  cpuProf = false,
  raw = false,
  script: given,
  extraEnv = {},
  alloc = false,
} = {}) {
  const port = await freePort();
  const url = new URL(database.url);
  url.port = String(databasePort);
  const script = given ?? (raw ? rawJs : mainJs);
  const flags = [...(raw ? [] : NODE_FLAGS), ...(process.env.PROFILE_NODE_FLAGS?.split(" ") ?? [])];
  if (alloc) flags.push("--import", allocJs);
  const args = cpuProf
    ? [...flags, "--cpu-prof", `--cpu-prof-dir=${profileDir}`, script]
    : [...flags, script];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      DATABASE_URL: url.toString(),
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: "https://roster.example.com",
      SECRET_KEY: secretKey,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SIGN_UPS_PER_IP_PER_HOUR: "1000000",
      INVITATIONS_PER_ORG_PER_HOUR: "1000000000",
      ...extraEnv,
      ...(alloc ? { ALLOC_SAMPLE_FILE: alloc, ALLOC_SURVIVORS: process.env.ALLOC_SURVIVORS ?? "" } : {}),
    },
    // PROFILE_SERVER_LOG=<prefix> keeps each server's standard output (a --trace-gc-nvp log, say) in
    // <prefix>.roster and <prefix>.raw, the last server of each kind's.
    stdio: [
      "ignore",
      serverLog ? openSync(`${serverLog}.${raw ? "raw" : "roster"}`, "w") : "ignore",
      "inherit",
    ],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    if (i > 600) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    pid: child.pid,
    /** CPU time the process has used so far, user and system, in ms. */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
    },
    /** The process's peak resident memory so far (VmHWM), in MB. */
    peakRssMb: () => {
      const line = readFileSync(`/proc/${child.pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
      return line ? Math.round(Number(line[1]) / 1024) : null;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

async function trpc(base, path, { input, token, method = "GET" } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response =
    method === "GET"
      ? await fetch(
          `${base}/trpc/${path}${input ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ""}`,
          {
            headers,
          },
        )
      : await fetch(`${base}/trpc/${path}`, { method, headers, body: JSON.stringify(input) });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

// The owner signs up through the API; the organization is seeded straight into the database.
const first = await startServer();
const owner = await trpc(first.base, "auth.signUp", {
  method: "POST",
  input: { email: "owner@big.example.com", password: "correct horse battery staple", name: "Big Owner" },
});
await first.stop();
const seeded = Date.now();
const org = await database.db
  .insertInto("organizations")
  .values({
    name: "Big Org",
    slug: "big-org",
    metadata: "{}",
    created_at: new Date(),
    updated_at: new Date(),
  })
  .returning("id")
  .executeTakeFirstOrThrow();
await sql`
  with seq as materialized (
    select i, gen_random_uuid() as id from generate_series(1, ${members}::int) as i
  ), new_users as (
    insert into users (id, kind, email, name, email_verified_at, created_at, updated_at)
    select id, 'person', 'm' || i || '@big.example.com', 'Member ' || substr(md5(i::text), 1, 6), now(), now(), now()
    from seq
  )
  insert into memberships (org_id, user_id, role, status, metadata, created_at, updated_at)
  select ${org.id}::uuid, id, case when i % 10 = 1 then 'viewer' else 'member' end,
    case when i % 50 = 0 then 'deactivated' else 'active' end, '{}'::jsonb,
    now() - interval '1 hour' - (i / 3) * interval '1 minute', now()
  from seq`.execute(database.db);
await database.db
  .insertInto("memberships")
  .values({
    org_id: org.id,
    user_id: owner.user.id,
    role: "owner",
    status: "active",
    metadata: "{}",
    created_at: new Date(Date.now() - 400 * 24 * 3600 * 1000),
    updated_at: new Date(),
  })
  .execute();
await sql`analyze users, memberships, organizations, sessions`.execute(database.db);
const seedSeconds = (Date.now() - seeded) / 1000;
// The deep page starts 50,000 members down, or halfway down a smaller organization, so that it is a
// whole page at any size (as BENCH_DEEP_OFFSET in run.mjs).
const deep = await database.db
  .selectFrom("memberships")
  .select(["created_at", "user_id"])
  .where("org_id", "=", org.id)
  .orderBy("created_at", "desc")
  .orderBy("user_id", "desc")
  .offset(Math.min(Math.floor(members / 2), 50_000) - 1)
  .limit(1)
  .executeTakeFirstOrThrow();
const deepCursor = Buffer.from(JSON.stringify([deep.created_at.toISOString(), deep.user_id])).toString(
  "base64url",
);

const calls = {
  "auth.me": { path: "auth.me" },
  "orgs.permissions": { path: "orgs.permissions", input: { orgId: org.id } },
  "members.list": { path: "members.list", input: { orgId: org.id } },
  "members.list (deep)": { path: "members.list", input: { orgId: org.id, cursor: deepCursor } },
  "members.list (search)": { path: "members.list", input: { orgId: org.id, search: "m4242" } },
  // Writes: each request invites new addresses.
  "invitations.create (1)": { path: "invitations.create", invite: 1 },
  "invitations.create (100)": { path: "invitations.create", invite: 100 },
};
let invited = 0;
/** A request's method and input: an invitation call gets addresses never invited before. */
function requestOf(call) {
  if (!call.invite) return { input: call.input };
  invited += 1;
  const emails = Array.from({ length: call.invite }, (_, i) => `count-${invited}-${i}@invitees.example.com`);
  return { method: "POST", input: { orgId: org.id, emails, role: "member" } };
}
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const countOnly = process.argv.includes("--count-only");
const cpuOnly = process.argv.includes("--cpu");
const allocOnly = process.argv.includes("--alloc");
// --raw profiles the raw server instead of Roster, to read both profiles side by side.
const profileRaw = process.argv.includes("--raw");
const requests = Number(process.env.PROFILE_REQUESTS ?? 3000);
const chosen = only.length ? only : Object.keys(calls);
const unknown = chosen.filter((name) => !Object.hasOwn(calls, name));
if (unknown.length > 0) {
  console.error(`No call named ${unknown.join(", ")}. The calls are: ${Object.keys(calls).join(", ")}.`);
  await database.drop();
  smtp.close();
  process.exit(2);
}

// Round trips: the server talks to Postgres through the counting proxy.
const counter = await startWireCounter({ targetHost: dbUrl.hostname, targetPort: Number(dbUrl.port) });
const counted = await startServer({ databasePort: counter.port });
const perRequest = {};
for (const name of chosen) {
  const call = calls[name];
  for (let i = 0; i < 5; i++) await trpc(counted.base, call.path, { ...requestOf(call), token: owner.token });
  await new Promise((r) => setTimeout(r, 200));
  counter.reset();
  const n = call.invite === 100 ? 10 : 50;
  for (let i = 0; i < n; i++) await trpc(counted.base, call.path, { ...requestOf(call), token: owner.token });
  await new Promise((r) => setTimeout(r, 200));
  const c = counter.snapshot();
  perRequest[name] = { roundTrips: c.roundTrips / n, statements: c.statements / n, parses: c.parses / n };
  if (process.env.PROFILE_TRACE === "1") console.error(name, counter.statementTexts());
}
await counted.stop();
await counter.close();

let drives = 0;
function drive(base, call, options = {}) {
  const path = `/trpc/${call.path}${call.input ? `?input=${encodeURIComponent(JSON.stringify(call.input))}` : ""}`;
  const plan = {
    url: base,
    connections,
    seconds,
    token: owner.token,
    request: call.invite
      ? {
          method: "POST",
          path: `/trpc/${call.path}`,
          invite: {
            orgId: org.id,
            count: call.invite,
            role: "member",
            tag: `cpu-${call.invite}-${++drives}`,
          },
        }
      : { method: "GET", path },
    ...options,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loadJs], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
}

/**
 * CPU time (user + system, ms) the database's client backends have used so far, by process id: the
 * Postgres side of each request, which shares the machine's cores with the server.
 */
async function backendCpuMs() {
  const { rows } = await sql`select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`.execute(
    database.db,
  );
  const used = new Map();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The backend ended meanwhile (or runs where /proc cannot see it).
    }
  }
  return used;
}
const backendDelta = (before, after) => {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
};

// CPU per request: each target warmed up, then measured; Roster and the raw server alternate.
for (const name of cpuOnly ? chosen : []) {
  const call = calls[name];
  const figures = {};
  for (let round = 0; round < 2; round++) {
    for (const target of ["roster", "raw", ...(otherMainJs ? ["other"] : [])]) {
      const server = await startServer({
        raw: target === "raw",
        script: target === "other" ? otherMainJs : undefined,
      });
      // The same number of requests each time, the first ones to warm the JIT up.
      await drive(server.base, call, { amount: requests, seconds: undefined });
      const before = server.cpuMs();
      const backendsBefore = await backendCpuMs();
      const load = await drive(server.base, call, { amount: requests, seconds: undefined });
      const after = server.cpuMs();
      const backendsAfter = await backendCpuMs();
      const peakRssMb = server.peakRssMb();
      await server.stop();
      const perRequest = (ms) => Math.round((ms * 1000) / Math.max(1, load.requests));
      figures[target] = [
        ...(figures[target] ?? []),
        {
          user: perRequest(after.user - before.user),
          system: perRequest(after.system - before.system),
          postgres: perRequest(backendDelta(backendsBefore, backendsAfter)),
          requestsPerSecond: Math.round(load.requestsPerSecond),
          peakRssMb,
        },
      ];
      if (load.errors) throw new Error(`${name} · ${target}: ${load.errors} failed requests`);
    }
  }
  const best = (list) => Math.min(...list.map((f) => f.user + f.system));
  console.log(
    JSON.stringify({
      call: name,
      cpuMicrosecondsPerRequest: figures,
      rosterOverRaw: Math.round((100 * best(figures.roster)) / best(figures.raw)) / 100,
      ...(otherMainJs
        ? { otherOverRaw: Math.round((100 * best(figures.other)) / best(figures.raw)) / 100 }
        : {}),
    }),
  );
}

// Bytes allocated per request: each target warmed up, then sampled over the same number of requests.
mkdirSync(profileDir, { recursive: true });
for (const name of allocOnly ? chosen : []) {
  const call = calls[name];
  const figures = {};
  for (const target of ["roster", "raw", ...(otherMainJs ? ["other"] : [])]) {
    const file = `${profileDir}/alloc-${target}-${Date.now()}.json`;
    const server = await startServer({
      raw: target === "raw",
      script: target === "other" ? otherMainJs : undefined,
      alloc: file,
    });
    await drive(server.base, call, { amount: requests, seconds: undefined });
    process.kill(server.pid, "SIGUSR2");
    await new Promise((r) => setTimeout(r, 200));
    await drive(server.base, call, { amount: requests, seconds: undefined });
    process.kill(server.pid, "SIGUSR2");
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    await server.stop();
    figures[target] = summarizeAllocations(file, Number(process.env.PROFILE_TOP ?? 12));
  }
  console.log(JSON.stringify({ call: name, bytesPerRequest: figures }));
}

for (const name of countOnly || cpuOnly || allocOnly ? [] : chosen) {
  const call = calls[name];
  const before = new Set(readdirSync(profileDir));
  const server = await startServer({ cpuProf: true, raw: profileRaw });
  const path = `/trpc/${call.path}${call.input ? `?input=${encodeURIComponent(JSON.stringify(call.input))}` : ""}`;
  const plan = {
    url: server.base,
    connections,
    seconds,
    token: owner.token,
    request: call.invite
      ? {
          method: "POST",
          path: `/trpc/${call.path}`,
          invite: { orgId: org.id, count: call.invite, role: "member", tag: `profile-${call.invite}` },
        }
      : { method: "GET", path },
  };
  const load = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loadJs], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
  await server.stop();
  const file = readdirSync(profileDir).find((f) => !before.has(f) && f.endsWith(".cpuprofile"));
  const profile = file ? summarizeProfile(`${profileDir}/${file}`, 15) : null;
  console.log(
    JSON.stringify({
      call: name,
      members,
      seedSeconds,
      sql: perRequest[name],
      load,
      profile,
      profileFile: file,
    }),
  );
}

await database.drop();
smtp.close();
if (countOnly) console.log(JSON.stringify({ members, sql: perRequest }));
if (process.env.PROFILE_KEEP !== "1") rmSync(profileDir, { recursive: true, force: true });
