// Figures to verdicts: medians over rounds, the budgets of issue 17, the results table in
// docs/benchmarks.md (between its markers, so the rest of the file stays as written).

export const RESULTS_START = "<!-- bench:results:start -->";
export const RESULTS_END = "<!-- bench:results:end -->";

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One server's runs of one call, reduced to medians (errors summed, memory at its peak). */
export function summarize(runs) {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50: median(runs.map((r) => r.latencyMs.p50)),
    p99: median(runs.map((r) => r.latencyMs.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    rssMb: Math.max(0, ...runs.map((r) => r.rssMb ?? 0)),
    bytesPerResponse: median(runs.map((r) => r.bytesPerResponse)),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    runs,
  };
}

/** The budgets of issue 17, each with the figure it judges. */
export function evaluateBudgets(results) {
  const budgets = [];
  const add = (name, value, limit, pass, unit = "") => budgets.push({ name, value, limit, unit, pass });
  const call = (name) => results.calls?.find((c) => c.name === name);
  const ratioBudget = (name, min) => {
    const c = call(name);
    if (c) add(`${name}: Roster ÷ raw requests/s`, c.ratio, `≥ ${min}×`, c.ratio !== null && c.ratio >= min);
  };
  for (const name of [
    "auth.me",
    "orgs.permissions",
    "members.list first page",
    "members.list deep page",
    "members.list search",
  ]) {
    ratioBudget(name, 0.7);
  }
  ratioBudget("invitations.create 1 address", 0.5);
  for (const name of ["members.list first page", "members.list deep page", "members.list search"]) {
    const c = call(name);
    if (c) {
      const limit = c.raw.p99 * 1.5;
      add(
        `${name}: Roster p99`,
        c.roster.p99,
        `≤ 1.5 × raw p99 (${round(limit)} ms)`,
        c.roster.p99 <= limit,
        "ms",
      );
    }
  }
  const bulk = call("invitations.create 100 addresses");
  if (bulk)
    add(
      "invitations.create 100 addresses: Roster p50",
      bulk.roster.p50,
      "≤ 150 ms",
      bulk.roster.p50 <= 150,
      "ms",
    );
  if (results.calls?.length) {
    const peak = Math.max(...results.calls.map((c) => c.roster.rssMb));
    add("Roster RSS under load (peak)", peak, "≤ 200 MB", peak <= 200, "MB");
    const failed = results.calls.flatMap((c) =>
      [c.roster.errors ? `${c.name} (Roster)` : null, c.raw.errors ? `${c.name} (raw)` : null].filter(
        Boolean,
      ),
    );
    const errors = results.calls.reduce((sum, c) => sum + c.roster.errors + c.raw.errors, 0);
    add(
      "failed requests in measurements",
      errors,
      `0${failed.length ? ` — ${failed.join(", ")}` : ""}`,
      errors === 0,
    );
  }
  if (results.parity) {
    const differing = results.parity.filter((p) => !p.same);
    add(
      "both servers answer the same data",
      results.parity.length - differing.length,
      `${results.parity.length} of ${results.parity.length}${differing.length ? ` — differ: ${differing.map((p) => p.name).join(", ")}` : ""}`,
      differing.length === 0,
    );
  }
  if (results.idle) {
    for (const [database, figures] of Object.entries(results.idle)) {
      if (figures?.cpuPercent === undefined) continue;
      add(`idle CPU, ${database}`, figures.cpuPercent, "≤ 1 % of a core", figures.cpuPercent <= 1, "%");
    }
  }
  if (results.coldStart) {
    const s = results.coldStart.seconds;
    add("cold start to healthy, embedded database", s, "≤ 5 s", s !== null && s <= 5, "s");
  }
  if (results.widgets) {
    add(
      "widgets JavaScript, gzipped",
      results.widgets.gzippedKb,
      `≤ ${results.widgets.budgetKb} kB`,
      results.widgets.pass,
      "kB",
    );
  }
  if (results.webSize) {
    const w = results.webSize;
    add(
      "dashboard JavaScript, compressed as sent",
      w.jsKb,
      `≤ ${w.jsBudgetKb} kB`,
      w.jsKb <= w.jsBudgetKb,
      "kB",
    );
    add(
      "dashboard usable (navigation to content visible, Chromium, median)",
      w.usableMs,
      `≤ ${w.usableBudgetMs} ms`,
      w.usableMs <= w.usableBudgetMs,
      "ms",
    );
    add("dashboard API requests per load", w.apiRequests, "1", w.apiRequests === 1);
  }
  if (results.soak) {
    add(
      "soak: no failed request, flat memory",
      results.soak.errors ?? null,
      "0 errors, RSS growth ≤ 25 %",
      results.soak.pass,
    );
  }
  if (results.auditExport) {
    // The export streams keyset pages: the server's memory stays flat however long the log is.
    const budgetMb = Number(process.env.AUDIT_EXPORT_MAX_GROWTH_MB ?? 150);
    for (const format of ["jsonl", "csv"]) {
      const f = results.auditExport[format];
      if (!f) continue;
      add(
        `audit export of ${f.entries.toLocaleString("en")} entries as ${format}: server memory growth`,
        f.growthMb,
        `≤ ${budgetMb} MB`,
        f.growthMb <= budgetMb,
        "MB",
      );
    }
  }
  for (const problem of results.problems ?? []) add(problem, null, "ran", false);
  return budgets;
}

const round = (n) =>
  n === null || n === undefined
    ? "–"
    : n >= 100
      ? Math.round(n).toLocaleString("en-US")
      : String(Math.round(n * 100) / 100);
const figure = (value, unit) =>
  value === null || value === undefined ? "–" : `${round(value)}${unit ? ` ${unit}` : ""}`;

/** The generated section of docs/benchmarks.md. */
export function renderTable(results) {
  const lines = [];
  const s = results.settings;
  const run = `Run of ${results.date}${results.commit ? ` at commit ${results.commit}` : ""} (\`bench/results/${results.date}.json\`)`;
  // A run of some parts only (BENCH_PARTS) has no comparison to describe.
  const comparison =
    results.machine && results.sizes
      ? `: ${results.machine.cpus} cores, Node ${results.machine.node}, ${results.machine.postgres}; ` +
        `${round(results.sizes.organizations)} organizations, ${round(results.sizes.memberships)} memberships, ` +
        `the measured organization of ${round(results.sizes.bigOrganization)} members; ${s.connections} connections, ` +
        `${s.rounds} rounds per call, targets alternated, medians shown. Reads run ${s.seconds} s each; writes a fixed number of requests ` +
        `(${s.mutations} single ones, ${s.bulkRequests} of 100 addresses over ${s.bulkConnections ?? s.connections} connection${(s.bulkConnections ?? s.connections) === 1 ? "" : "s"}).`
      : ".";
  lines.push(`${run}${comparison} Verdict: **${results.pass ? "PASS" : "FAIL"}**.`);
  lines.push("");
  if (results.calls?.length) {
    lines.push(
      "| call | Roster req/s | raw req/s | Roster ÷ raw | Roster p50 / p99 ms | raw p50 / p99 ms | bytes per response (Roster / raw) | errors (Roster / raw) | Roster peak RSS |",
    );
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const c of results.calls) {
      lines.push(
        `| \`${c.name}\` | ${round(c.roster.requestsPerSecond)} | ${round(c.raw.requestsPerSecond)} | ${c.ratio === null ? "–" : `${c.ratio.toFixed(2)}×`} | ` +
          `${round(c.roster.p50)} / ${round(c.roster.p99)} | ${round(c.raw.p50)} / ${round(c.raw.p99)} | ` +
          `${round(c.roster.bytesPerResponse)} / ${round(c.raw.bytesPerResponse)} | ${c.roster.errors} / ${c.raw.errors} | ${round(c.roster.rssMb)} MB |`,
      );
    }
    lines.push("");
  }
  lines.push("| budget | measured | limit | verdict |");
  lines.push("| --- | ---: | --- | --- |");
  for (const b of results.budgets) {
    const value =
      typeof b.value === "number" && b.name.includes("÷")
        ? `${b.value.toFixed(2)}×`
        : figure(b.value, b.unit);
    lines.push(`| ${b.name} | ${value} | ${b.limit} | ${b.pass ? "PASS" : "**FAIL**"} |`);
  }
  return lines.join("\n");
}

/** `docs` with the text between the markers replaced (a results section is added when it has none). */
export function replaceResults(docs, table) {
  const block = `${RESULTS_START}\n${table}\n${RESULTS_END}`;
  const start = docs.indexOf(RESULTS_START);
  const end = docs.indexOf(RESULTS_END);
  if (start !== -1 && end > start) return docs.slice(0, start) + block + docs.slice(end + RESULTS_END.length);
  return `${docs.trimEnd()}\n\n## Results\n\n${block}\n`;
}

/** Every budget, one line each, for the console. */
export function printBudgets(budgets, log = console.log) {
  for (const b of budgets) {
    const value =
      typeof b.value === "number" && b.name.includes("÷")
        ? `${b.value.toFixed(2)}×`
        : figure(b.value, b.unit);
    log(`${b.pass ? "PASS" : "FAIL"}  ${b.name}: ${value} (budget ${b.limit})`);
  }
}
