import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JS_BUDGET_KB, measureDashboard } from "../bench/dashboard.mjs";
import { type Stage, startStage } from "./harness.js";

/**
 * The size part of `pnpm bench`, run in the suite: the dashboard's JavaScript as the browser
 * receives it stays within its budget, and its data comes in one request. (Its time to usable is
 * reported by `pnpm bench`, not asserted here.)
 */
let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
});
afterAll(() => stage?.close());

describe("the dashboard's weight", () => {
  it(`downloads at most ${JS_BUDGET_KB} kB of compressed JavaScript and asks for its data in one request`, async () => {
    const figures = await measureDashboard({ browser: stage.browser, url: stage.url, runs: 1 });
    expect(figures.encodings).toEqual(["br"]);
    expect(figures.jsKb).toBeGreaterThan(0);
    expect(figures.jsKb).toBeLessThanOrEqual(JS_BUDGET_KB);
    // Only the dashboard's own code: other pages are chunks of their own.
    expect(figures.scripts.map((s) => s.path).join(" ")).not.toMatch(/settings|members|workspaces|audit/);
    expect(figures.apiRequests).toBe(1);
    const [calls = ""] = figures.apiCalls;
    expect(calls.split(",")).toEqual(
      expect.arrayContaining(["auth.me", "orgs.list", "orgs.permissions", "resources.list", "usage.balance"]),
    );
    expect(calls).not.toContain("dev.mailbox");
  });

  it("caches hashed assets for a year and revalidates the page itself", async () => {
    const page = await fetch(`${stage.url}/orgs/anything`, { headers: { "accept-encoding": "br, gzip" } });
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-encoding")).toBe("br");
    const html = await page.text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stage.url}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("vary")).toBe("Accept-Encoding");
    expect((await fetch(`${stage.url}/assets/index-0ld.js`)).status).toBe(404);
  });
});
