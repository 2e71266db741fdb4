#!/usr/bin/env node
// The dashboard as a person meets it: the built web app and the API on one port, a signed-in
// person with a cluster and credits, and Chromium loading their organization's dashboard with an
// empty cache. Measures the JavaScript it downloads (compressed, as sent) and the time from
// navigation until the dashboard's content is visible with nothing loading, and counts the API
// requests the page sends meanwhile. `pnpm bench` runs it as its `web-size` part; run alone:
// `node apps/web/bench/dashboard.mjs` (after `pnpm turbo run build --filter=@roster/web...`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const JS_BUDGET_KB = 120;
export const USABLE_BUDGET_MS = 1000;

/** Signs a person up over the API; returns their session cookie and personal organization's id. */
async function seedPerson(url) {
  const post = async (procedure, input, cookie) => {
    const response = await fetch(`${url}/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(input),
    });
    if (!response.ok) throw new Error(`${procedure}: ${response.status} ${await response.text()}`);
    return response;
  };
  const signedUp = await post("auth.signUp", {
    email: `dash-${Date.now()}@example.com`,
    password: "correct horse battery staple",
    name: "Dana",
  });
  const cookie = (signedUp.headers.get("set-cookie") ?? "").split(";")[0];
  const orgs = await fetch(`${url}/trpc/orgs.list`, { headers: { cookie } }).then((r) => r.json());
  const orgId = orgs.result.data[0].id;
  await post("resources.register", { orgId, type: "cluster", name: "alpha", state: "running" }, cookie);
  await post("usage.grantCredits", { orgId, amount: 100 }, cookie);
  const [name, ...value] = cookie.split("=");
  return { cookie: { name, value: value.join("="), url }, orgId };
}

/**
 * Loads the dashboard `runs` times, each in a fresh browser context (nothing cached), and returns
 * the median time to usable, the compressed JavaScript of the slowest-to-download run and the API
 * requests per load.
 */
export async function measureDashboard({ browser, url, runs = 3 }) {
  const { cookie, orgId } = await seedPerson(url);
  const loads = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const api = [];
    const encodings = new Set();
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith("/trpc/")) api.push(path.slice(6));
    });
    page.on("response", async (response) => {
      if (new URL(response.url()).pathname.endsWith(".js"))
        encodings.add((await response.allHeaders())["content-encoding"] ?? "identity");
    });
    await page.goto(`${url}/orgs/${orgId}`, { waitUntil: "commit" });
    // Usable: the organization's name is the heading, every section is there, nothing is loading.
    const usableMs = await (
      await page.waitForFunction(
        () => {
          const h1 = document.querySelector("h1")?.textContent ?? "";
          const ready =
            h1.endsWith("organization") &&
            document.querySelector("#clusters-title") &&
            document.querySelector("#credits-title") &&
            document.querySelector("tr[data-cluster]") &&
            document.querySelectorAll('[aria-busy="true"]').length === 0;
          return ready ? performance.now() : false;
        },
        undefined,
        { polling: "raf", timeout: 30_000 },
      )
    ).jsonValue();
    await page.waitForLoadState("networkidle");
    const js = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.endsWith(".js"))
        .map((e) => ({ path: new URL(e.name).pathname, bytes: e.encodedBodySize })),
    );
    loads.push({
      usableMs: Math.round(usableMs),
      jsBytes: js.reduce((sum, e) => sum + e.bytes, 0),
      scripts: js,
      apiRequests: api,
      encodings: [...encodings],
    });
    await context.close();
  }
  const times = loads.map((l) => l.usableMs).sort((a, b) => a - b);
  const worst = loads.reduce((a, b) => (b.jsBytes > a.jsBytes ? b : a));
  const jsKb = Math.round((worst.jsBytes / 1024) * 100) / 100;
  const usableMs = times[Math.floor(times.length / 2)];
  return {
    jsKb,
    jsBudgetKb: JS_BUDGET_KB,
    usableMs,
    usableBudgetMs: USABLE_BUDGET_MS,
    usableRunsMs: loads.map((l) => l.usableMs),
    apiRequests: Math.max(...loads.map((l) => l.apiRequests.length)),
    apiCalls: worst.apiRequests,
    encodings: worst.encodings,
    scripts: worst.scripts,
    pass: jsKb <= JS_BUDGET_KB && usableMs <= USABLE_BUDGET_MS,
  };
}

async function main() {
  const webDist = fileURLToPath(new URL("../dist/", import.meta.url));
  if (!existsSync(`${webDist}index.html`)) {
    console.error(
      "web-size: apps/web/dist is missing; build it first (pnpm turbo run build --filter=@roster/web...)",
    );
    process.exit(2);
  }
  const { createTestDatabase } = await import("@roster/db/testing");
  const { loadConfig, startServer } = await import("@roster/server");
  const { chromiumLaunchOptions, freePort } = await import("@roster/testing");
  const { chromium } = await import("playwright-core");
  const database = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    SECRET_KEY: "web-size-bench-secret-key-long-enough-00",
    WEB_DIST_DIR: webDist,
    LOG_LEVEL: "warn",
  });
  const server = await startServer({ config, database });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const figures = await measureDashboard({ browser, url, runs: Number(process.env.WEB_SIZE_RUNS ?? 5) });
    for (const s of figures.scripts) console.log(`  ${s.path} ${(s.bytes / 1024).toFixed(2)} kB`);
    console.log(
      `web: dashboard JavaScript ${figures.jsKb} kB compressed (${figures.encodings.join(", ")}; budget ${JS_BUDGET_KB} kB), ` +
        `usable in ${figures.usableMs} ms (median of ${figures.usableRunsMs.join(", ")}; budget ${USABLE_BUDGET_MS} ms), ` +
        `${figures.apiRequests} API request(s): ${figures.apiCalls.join(" ")}`,
    );
    console.log(JSON.stringify({ webSize: { ...figures, scripts: undefined } }));
    process.exitCode = figures.pass ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
    await database.drop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
