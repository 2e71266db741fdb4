import { baseTestConfig, chromiumLaunchOptions, freePort } from "@roster/testing";
import react from "@vitejs/plugin-react";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const chromium = playwright({
  contextOptions: { permissions: ["clipboard-read", "clipboard-write"] },
  launchOptions: chromiumLaunchOptions,
});

// The port of the browser-mode page; the global setup lets Roster accept that origin.
process.env.ROSTER_WIDGETS_BROWSER_PORT ??= String(await freePort("localhost"));
const browserPort = Number(process.env.ROSTER_WIDGETS_BROWSER_PORT);

export default defineConfig({
  plugins: [react()],
  optimizeDeps: {
    // Known up front, so the browser run never stops to re-bundle dependencies and reload.
    include: [
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom",
      "react-dom/client",
      "@tanstack/react-query",
      "@trpc/client",
      "@trpc/tanstack-react-query",
      "@storybook/react",
      "storybook/test",
      "axe-core",
    ],
  },
  test: {
    ...baseTestConfig,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.{ts,tsx}"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.{ts,tsx}"],
          // `extends: true` adds the shared include (test/**/*.test.ts): keep Node's tests in Node.
          exclude: ["test/node/**"],
          globalSetup: ["test/global-setup.ts"],
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            provider: chromium,
            instances: [{ browser: "chromium" }],
            api: { host: "localhost", port: browserPort, strictPort: true },
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
