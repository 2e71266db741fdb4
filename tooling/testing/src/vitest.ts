import type { InlineConfig } from "vitest/node";

/**
 * The `test` block every package starts from. Limits are for waiting on states, never a measure of
 * speed: a loaded 2-core machine can take minutes where a quiet one takes seconds.
 */
export const baseTestConfig = {
  reporters: ["default", "json"],
  // tooling/scripts/summarize-tests.mjs adds these up.
  outputFile: { json: "test-results/vitest.json" },
  include: ["test/**/*.test.ts"],
  testTimeout: 60_000,
  hookTimeout: 180_000,
  expect: { poll: { timeout: 60_000, interval: 100 } },
} satisfies InlineConfig;

/** For a test that starts embedded PGlite cold (initdb is ~5 s quiet, much longer under load). */
export const pgliteColdStartTimeout = 180_000;
