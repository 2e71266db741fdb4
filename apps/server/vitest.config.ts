import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests talk to the server through the SDK's source, exactly as a host would through its build.
    alias: { "@roster/sdk": fileURLToPath(new URL("../../packages/sdk/src/index.ts", import.meta.url)) },
  },
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    include: ["test/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts"] },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
