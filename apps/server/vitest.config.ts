import { fileURLToPath } from "node:url";
import { baseTestConfig } from "@roster/testing";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests talk to the server through the SDK's source, exactly as a host would through its build.
    alias: [
      {
        find: /^@roster\/sdk$/,
        replacement: fileURLToPath(new URL("../../packages/sdk/src/index.ts", import.meta.url)),
      },
      {
        find: /^@roster\/sdk\/events$/,
        replacement: fileURLToPath(new URL("../../packages/sdk/src/event-schemas.ts", import.meta.url)),
      },
    ],
  },
  test: {
    ...baseTestConfig,
    maxWorkers: 2,
  },
});
