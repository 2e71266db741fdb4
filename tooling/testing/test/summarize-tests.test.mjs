import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { countReport, summarize } from "../../scripts/summarize-tests.mjs";

const passing = {
  success: true,
  numFailedTestSuites: 0,
  numPassedTests: 3,
  numFailedTests: 0,
  numPendingTests: 1,
  numTodoTests: 0,
  testResults: [{ status: "passed", assertionResults: [{ status: "passed" }] }],
};

const roots = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A checkout with the given reports (`null`: a package with no report) and turbo tasks. */
function checkout(reports, tasks = []) {
  const root = mkdtempSync(join(tmpdir(), "roster-summary-"));
  roots.push(root);
  for (const [dir, report] of Object.entries(reports)) {
    mkdirSync(join(root, dir, "test-results"), { recursive: true });
    if (report !== null)
      writeFileSync(
        join(root, dir, "test-results", "vitest.json"),
        typeof report === "string" ? report : JSON.stringify(report),
      );
  }
  const turboSummary = join(root, "turbo.json");
  writeFileSync(
    turboSummary,
    JSON.stringify({
      tasks: tasks.map(([directory, task, exitCode]) => ({ directory, task, execution: { exitCode } })),
    }),
  );
  return { root, turboSummary };
}

describe("the closing summary", () => {
  it("adds up passing reports", () => {
    const totals = summarize(checkout({ "packages/a": passing, "apps/b": passing }));
    expect(totals).toMatchObject({ passed: 6, failed: 0, skipped: 2, problems: [] });
  });

  it("counts failed tests", () => {
    expect(
      countReport({ ...passing, success: false, numFailedTests: 2, numFailedTestSuites: 1 }).failed,
    ).toBe(2);
  });

  it("counts a test file that failed outside any test", () => {
    const report = {
      ...passing,
      testResults: [
        ...passing.testResults,
        { status: "failed", message: "import failed", assertionResults: [] },
      ],
    };
    expect(countReport(report).failed).toBe(1);
  });

  it("counts a report that says it failed though no test did", () => {
    expect(countReport({ ...passing, success: false }).failed).toBe(1);
    expect(countReport({ ...passing, numFailedTestSuites: 1 }).failed).toBe(1);
  });

  it("counts a browser run whose task failed though its report says success", () => {
    const totals = summarize(
      checkout({ "packages/widgets": { ...passing, numPassedTests: 0, testResults: [] } }, [
        ["packages/widgets", "test", 1],
      ]),
    );
    expect(totals.failed).toBe(1);
    expect(totals.problems).toEqual(["packages/widgets: tests failed"]);
  });

  it("counts a failed test task that wrote no report, or half a report", () => {
    const none = summarize(checkout({ "packages/widgets": null }, [["packages/widgets", "test", 1]]));
    expect(none.failed).toBe(1);
    const half = summarize(
      checkout({ "apps/server": '{"numPassedTests": 4,' }, [["apps/server", "test", 1]]),
    );
    expect(half.failed).toBe(1);
  });

  it("names failed typecheck and lint tasks", () => {
    const totals = summarize(
      checkout({ "apps/web": passing }, [
        ["apps/web", "lint", 1],
        ["apps/web", "test", 0],
      ]),
    );
    expect(totals).toMatchObject({ passed: 3, failed: 0, problems: ["apps/web: lint failed"] });
  });
});
