import { defineConfig } from "vitest/config";
import { baseTestConfig } from "./src/vitest.js";

export default defineConfig({
  test: { ...baseTestConfig, include: ["test/**/*.test.{ts,mjs}"] },
});
