#!/usr/bin/env node
// Soak: the built server (dist/main.js) on a fresh Postgres database, driven over loopback HTTP by
// this separate process with a mixed workload for SOAK_SECONDS (default 150). Passes when no
// request fails and the server's resident memory stays flat after warm-up. Loopback only.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@roster/db/testing";
import { freePort } from "@roster/testing";
import { NODE_FLAGS } from "../dist/node-flags.js";

const seconds = Number(process.env.SOAK_SECONDS ?? 150);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 8);
/** Allowed growth of resident memory from the middle third of the run to the last third. */
const maxGrowth = 1.25;

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
      SECRET_KEY: "soak-secret-key-long-enough-000000000000",
      LOG_LEVEL: "warn",
      // Every virtual user signs up and invites from this one loopback address.
      SIGN_UPS_PER_IP_PER_HOUR: "1000000",
      INVITATIONS_PER_ORG_PER_HOUR: "1000000",
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
let exited = false;
child.on("exit", () => {
  exited = true;
});

function rssMb() {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function call(path, input, token, kind = "mutation") {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response =
    kind === "query"
      ? await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input ?? {}))}`, {
          headers,
        })
      : await fetch(`${url}/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input ?? {}) });
  const body = await response.json();
  if (!response.ok || body.error) {
    throw new Error(
      `${path}: ${response.status} ${body.error?.data?.reason ?? ""} ${body.error?.message ?? ""}`,
    );
  }
  return body.result.data;
}
const query = (path, input, token) => call(path, input, token, "query");

async function waitHealthy() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error("the server exited during start-up");
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not become healthy within 60 s");
}

let counter = 0;
const unique = () => `${process.pid}-${++counter}`;

/** One virtual user: an organization with a few members joined through invitation links. */
async function setUpUser(n) {
  const password = "soak passphrase of some length";
  const owner = await call("auth.signUp", { email: `owner${n}@soak.test`, password, name: `Owner ${n}` });
  const token = owner.token;
  const orgs = await query("orgs.list", {}, token);
  const orgId = orgs[0].id;
  for (let i = 0; i < 5; i++) {
    const email = `member${n}.${i}@soak.test`;
    const { results } = await call("invitations.create", { orgId, emails: [email], role: "member" }, token);
    const { url: link } = await query(
      "invitations.link",
      { orgId, invitationId: results[0].invitationId },
      token,
    );
    const member = await call("auth.signUp", { email, password, name: `Member ${n}.${i}` });
    await call("invitations.accept", { token: link.slice(link.lastIndexOf("/") + 1) }, member.token);
  }
  const resource = await call(
    "resources.register",
    { orgId, type: "cluster", name: `c${n}`, state: "running" },
    token,
  );
  return { token, orgId, resourceId: resource.id, running: true };
}

const operations = [
  [5, (u) => query("auth.me", undefined, u.token)],
  [3, (u) => query("orgs.permissions", { orgId: u.orgId }, u.token)],
  [4, (u) => query("members.list", { orgId: u.orgId }, u.token)],
  [2, (u) => query("members.list", { orgId: u.orgId, search: "mem", includeInvitations: true }, u.token)],
  [
    1,
    async (u) => {
      const email = `invitee-${unique()}@soak.test`;
      const { results } = await call(
        "invitations.create",
        { orgId: u.orgId, emails: [email], role: "viewer" },
        u.token,
      );
      await call("invitations.revoke", { orgId: u.orgId, invitationId: results[0].invitationId }, u.token);
    },
  ],
  [1, (u) => call("settings.set", { orgId: u.orgId, key: "region", value: { name: unique() } }, u.token)],
  [
    1,
    async (u) => {
      await call(
        u.running ? "resources.stop" : "resources.start",
        { orgId: u.orgId, resourceId: u.resourceId },
        u.token,
      );
      u.running = !u.running;
    },
  ],
  [
    1,
    (u) =>
      call(
        "usage.record",
        { orgId: u.orgId, events: [{ idempotencyKey: unique(), quantity: 1, unit: "cpu_hour", credits: 1 }] },
        u.token,
      ),
  ],
  [1, (u) => query("audit.list", { orgId: u.orgId }, u.token)],
];
const weights = operations.reduce((sum, [w]) => sum + w, 0);
function pick() {
  let r = Math.random() * weights;
  for (const [w, op] of operations) {
    r -= w;
    if (r < 0) return op;
  }
  return operations[0][1];
}

let ok = 0;
const errors = [];
const samples = [];
try {
  await waitHealthy();
  const users = await Promise.all(Array.from({ length: concurrency }, (_, n) => setUpUser(n)));
  const start = Date.now();
  const deadline = start + seconds * 1000;
  const sampler = setInterval(() => samples.push({ t: (Date.now() - start) / 1000, rss: rssMb() }), 1000);
  await Promise.all(
    users.map(async (user) => {
      while (Date.now() < deadline && errors.length < 20) {
        try {
          await pick()(user);
          ok += 1;
        } catch (error) {
          errors.push(String(error.message ?? error));
        }
      }
    }),
  );
  clearInterval(sampler);
} finally {
  child.kill("SIGTERM");
  await new Promise((resolve) => (exited ? resolve() : child.once("exit", resolve)));
  await database.drop();
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const third = Math.floor(samples.length / 3);
const middle = median(samples.slice(third, 2 * third).map((s) => s.rss));
const last = median(samples.slice(2 * third).map((s) => s.rss));
const result = {
  seconds,
  concurrency,
  requests: ok,
  requestsPerSecond: Math.round(ok / seconds),
  errors: errors.length,
  rssMb: {
    max: Math.round(Math.max(...samples.map((s) => s.rss))),
    middleThirdMedian: Math.round(middle),
    lastThirdMedian: Math.round(last),
  },
};
console.log(`soak: ${JSON.stringify(result)}`);
const failures = [];
if (errors.length > 0) failures.push(`${errors.length} requests failed, first: ${errors[0]}`);
if (samples.length < 6) failures.push("too few memory samples");
else if (last > middle * maxGrowth) {
  failures.push(`resident memory grew from ${Math.round(middle)} MB to ${Math.round(last)} MB`);
}
if (failures.length > 0) {
  console.error(`soak failed: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("soak passed: no failed request, flat memory");
