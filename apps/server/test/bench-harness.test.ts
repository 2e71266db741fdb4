import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CallSummary,
  evaluateBudgets,
  RESULTS_END,
  RESULTS_START,
  type Results,
  renderTable,
  replaceResults,
  summarize,
} from "../bench/report.mjs";

// `pnpm bench` is not part of CI; this keeps its harness from rotting: a tiny seeded database, both
// servers, one-second measurements, and checks of the report it writes. Its time limit is for a
// loaded machine, where nine calls on two servers take minutes; quiet, it takes about half a minute.

const run = (rps: number, p50: number, p99: number, errors = 0, rssMb = 100) => ({
  requests: rps,
  seconds: 1,
  requestsPerSecond: rps,
  latencyMs: { p50, p99, max: p99 },
  bytesPerResponse: 500,
  errors,
  rssMb,
});

function results(calls: CallSummary[]): Omit<Results, "budgets" | "pass"> {
  return {
    date: "2026-01-01",
    settings: { connections: 10, seconds: 5, rounds: 3, mutations: 1000, bulkRequests: 50 },
    sizes: { organizations: 10_000, memberships: 1_000_000, bigOrganization: 100_000 },
    machine: { cpus: 2, node: "20", postgres: "Postgres 15" },
    calls,
    parity: [{ name: "auth.me", same: true }],
  };
}

const call = (name: string, roster: ReturnType<typeof run>[], raw: ReturnType<typeof run>[]): CallSummary => {
  const r = summarize(roster);
  const w = summarize(raw);
  return { name, roster: r, raw: w, ratio: (r.requestsPerSecond ?? 0) / (w.requestsPerSecond ?? 1) };
};

describe("the benchmark's verdicts", () => {
  it("takes medians over rounds, sums errors and keeps the peak memory", () => {
    const s = summarize([run(100, 5, 9, 0, 120), run(300, 1, 3, 2, 90), run(200, 3, 7, 1, 110)]);
    expect(s).toMatchObject({ requestsPerSecond: 200, p50: 3, p99: 7, errors: 3, rssMb: 120 });
  });

  it("fails a call under its ratio, a p99 over 1.5 × the raw one, and any failed request", () => {
    const budgets = evaluateBudgets(
      results([
        call("auth.me", [run(690, 1, 2)], [run(1000, 1, 2)]),
        call("members.list first page", [run(800, 2, 16)], [run(1000, 2, 10)]),
        call("invitations.create 1 address", [run(510, 5, 9, 1)], [run(1000, 5, 9)]),
      ]),
    );
    const verdict = (name: string) => budgets.find((b) => b.name === name)?.pass;
    expect(verdict("auth.me: Roster ÷ raw requests/s")).toBe(false);
    expect(verdict("members.list first page: Roster ÷ raw requests/s")).toBe(true);
    expect(verdict("members.list first page: Roster p99")).toBe(false);
    expect(verdict("invitations.create 1 address: Roster ÷ raw requests/s")).toBe(true);
    expect(verdict("failed requests in measurements")).toBe(false);
  });

  it("fails the run when the two servers answered differently", () => {
    const differing = {
      ...results([]),
      parity: [
        { name: "auth.me", same: true },
        { name: "members.list search", same: false },
      ],
    };
    expect(
      evaluateBudgets(differing).find((b) => b.name === "both servers answer the same data"),
    ).toMatchObject({
      pass: false,
      limit: "2 of 2 — differ: members.list search",
    });
  });

  it("fails memory over 200 MB, idle CPU over 1 %, a cold start over 5 s and a slow bulk invitation", () => {
    const budgets = evaluateBudgets({
      ...results([call("invitations.create 100 addresses", [run(10, 151, 200, 0, 201)], [run(20, 50, 80)])]),
      idle: { postgres: { cpuPercent: 0.4 }, pglite: { cpuPercent: 1.2 } },
      coldStart: { seconds: 5.1 },
    });
    const failed = budgets.filter((b) => !b.pass).map((b) => b.name);
    expect(failed).toEqual([
      "invitations.create 100 addresses: Roster p50",
      "Roster RSS under load (peak)",
      "idle CPU, pglite",
      "cold start to healthy, embedded database",
    ]);
  });

  it("replaces only the results between the markers of docs/benchmarks.md", () => {
    const docs = `# Benchmarks\n\n## Where the time goes\n\nProfiles.\n\n## Results\n\n${RESULTS_START}\nold\n${RESULTS_END}\n\n## How to reproduce\n\nRun it.\n`;
    const updated = replaceResults(docs, "new table");
    expect(updated).toBe(docs.replace("\nold\n", "\nnew table\n"));
    expect(replaceResults("# Benchmarks\n", "t")).toBe(
      `# Benchmarks\n\n## Results\n\n${RESULTS_START}\nt\n${RESULTS_END}\n`,
    );
  });
});

describe("pnpm bench, run small", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-bench-test-"));
  let child: ChildProcess | undefined;
  afterAll(() => {
    // A run cut short stops its servers and drops its database on SIGTERM.
    if (child?.exitCode === null) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("measures both servers on every call, finds them answering alike, and writes its report", async () => {
    const docs = join(dir, "benchmarks.md");
    writeFileSync(docs, `# Benchmarks\n\nKept.\n\n${RESULTS_START}\nold\n${RESULTS_END}\n\nAlso kept.\n`);
    const bench = spawn(process.execPath, [fileURLToPath(new URL("../bench/run.mjs", import.meta.url))], {
      env: {
        ...process.env,
        BENCH_PARTS: "compare",
        BENCH_ORGS: "20",
        BENCH_MEMBERSHIPS: "1000",
        BENCH_BIG_ORG: "400",
        BENCH_USERS: "600",
        BENCH_BIG_ORG_INVITATIONS: "20",
        BENCH_DEEP_OFFSET: "200",
        BENCH_CONNECTIONS: "2",
        BENCH_SECONDS: "1",
        BENCH_ROUNDS: "1",
        BENCH_MUTATIONS: "4",
        BENCH_BULK_REQUESTS: "2",
        BENCH_RESULTS_DIR: dir,
        BENCH_DOCS: docs,
        BENCH_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = bench;
    let output = "";
    bench.stdout.on("data", (chunk) => {
      output += chunk;
    });
    bench.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => bench.on("exit", resolve));

    const file = join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
    const report = JSON.parse(readFileSync(file, "utf8")) as Results & { problems: string[] };
    expect(report.problems, output).toEqual([]);
    expect(report.calls?.map((c) => c.name)).toEqual([
      "auth.me",
      "orgs.permissions",
      "members.list first page",
      "members.list deep page",
      "members.list search",
      "invitations.create 1 address",
      "invitations.accept",
      "members.remove",
      "invitations.create 100 addresses",
    ]);
    for (const c of report.calls ?? []) {
      for (const server of [c.roster, c.raw]) {
        expect(server.errors, `${c.name}: ${output}`).toBe(0);
        expect(server.requestsPerSecond).toBeGreaterThan(0);
        expect(server.p99).toBeGreaterThan(0);
      }
      expect(c.roster.rssMb).toBeGreaterThan(20);
      expect(c.ratio).toBeCloseTo((c.roster.requestsPerSecond ?? 0) / (c.raw.requestsPerSecond ?? 1));
    }
    expect(report.parity?.filter((p) => !p.same)).toEqual([]);
    expect(report.parity).toHaveLength(13);
    // The exit status is the verdict, and the verdict is every budget's.
    expect(report.pass).toBe(report.budgets.every((b) => b.pass));
    expect(code).toBe(report.pass ? 0 : 1);
    expect(output).toMatch(/(PASS|FAIL) {2}auth\.me: Roster ÷ raw requests\/s/);

    const written = readFileSync(docs, "utf8");
    expect(written).toBe(
      `# Benchmarks\n\nKept.\n\n${RESULTS_START}\n${renderTable(report)}\n${RESULTS_END}\n\nAlso kept.\n`,
    );
    expect(written).toContain("| `members.list deep page` |");
  }, 600_000);
});
