import { baseTestConfig } from "@roster/testing";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    ...baseTestConfig,
    environment: "node",
    // The story is one long test of many steps, each waiting for what the page shows.
    testTimeout: 600_000,
    fileParallelism: false,
  },
});
