import { createServer } from "node:net";
import react from "@vitejs/plugin-react";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const chromium = playwright({
  contextOptions: { permissions: ["clipboard-read", "clipboard-write"] },
  launchOptions: {
    // Debian's Chromium; playwright never downloads a browser here.
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
});

/** A free port for the browser-mode page; the global setup lets Roster accept that origin. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "localhost", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

process.env.ROSTER_WIDGETS_BROWSER_PORT ??= String(await freePort());
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
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    testTimeout: 30_000,
    hookTimeout: 120_000,
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
