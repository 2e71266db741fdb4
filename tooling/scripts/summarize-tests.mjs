// Adds up the JSON reports every package's vitest run wrote and prints one closing line.
// A package counts as failed when its report says so in any way (a failed test, a test file that
// failed to load, `success: false`) or when its test task failed without a full report (a browser
// that did not start, a crash): a red run never closes with "0 failed".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const roots = ["apps", "packages", "tooling"];

/** Failed tasks (package → task names) from turbo's `--summarize` file, if there is one. */
function failedTasks(turboSummary, root) {
  const failed = new Map();
  if (!turboSummary || !existsSync(turboSummary)) return failed;
  const summary = JSON.parse(readFileSync(turboSummary, "utf8"));
  for (const task of summary.tasks ?? []) {
    const code = task.execution?.exitCode;
    // A task that never ran (an upstream build failed) has no exit code: that is a failure too.
    if (code === 0 || task.cache?.status === "HIT") continue;
    const dir = relative(root, resolve(root, task.directory ?? ""));
    failed.set(dir, [...(failed.get(dir) ?? []), task.task]);
  }
  return failed;
}

/** Counts one vitest JSON report; `failed` also covers failures no single test carries. */
export function countReport(report) {
  const passed = report.numPassedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  let failed = report.numFailedTests ?? 0;
  // Test files that failed outside any test (an import error, a browser that never connected).
  for (const file of report.testResults ?? []) {
    const assertions = file.assertionResults ?? [];
    if (file.status === "failed" && !assertions.some((a) => a.status === "failed")) failed += 1;
  }
  if (failed === 0 && (report.success === false || (report.numFailedTestSuites ?? 0) > 0)) failed = 1;
  return { passed, failed, skipped };
}

/**
 * Totals for a checkout at `root`. `turboSummary` is turbo's run summary; without it only the
 * reports count.
 */
export function summarize({ root = process.cwd(), turboSummary } = {}) {
  const totals = { passed: 0, failed: 0, skipped: 0, problems: [] };
  const failed = failedTasks(turboSummary, root);
  const dirs = new Set(failed.keys());
  for (const top of roots) {
    if (!existsSync(join(root, top))) continue;
    for (const name of readdirSync(join(root, top))) dirs.add(join(top, name));
  }
  for (const dir of [...dirs].sort()) {
    const results = join(root, dir, "test-results");
    const files = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith(".json")) : [];
    let failedHere = 0;
    for (const file of files) {
      let counts;
      try {
        counts = countReport(JSON.parse(readFileSync(join(results, file), "utf8")));
      } catch {
        // A report cut short by a crash.
        counts = { passed: 0, failed: 1, skipped: 0 };
      }
      totals.passed += counts.passed;
      totals.skipped += counts.skipped;
      failedHere += counts.failed;
    }
    const tasks = failed.get(dir) ?? [];
    if (tasks.includes("test") && failedHere === 0) failedHere = 1;
    totals.failed += failedHere;
    if (failedHere > 0) totals.problems.push(`${dir}: tests failed`);
    for (const task of tasks.filter((t) => t !== "test")) totals.problems.push(`${dir}: ${task} failed`);
  }
  return totals;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--turbo-summary");
  const totals = summarize({ turboSummary: at > 0 ? process.argv[at + 1] : undefined });
  for (const problem of totals.problems) console.log(problem);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 || totals.passed === 0 || totals.problems.length > 0 ? 1 : 0);
}
