import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { loadConfig, type RunningServer, startServer } from "@roster/server";
import { chromiumLaunchOptions, freePort } from "@roster/testing";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

/** Screenshots of each step, kept as test artifacts (test-results/ is not committed). */
export const artifactsDir = fileURLToPath(new URL("../test-results/screenshots/", import.meta.url));
const webDist = fileURLToPath(new URL("../dist/", import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Stage {
  url: string;
  server: RunningServer;
  database: TestDatabase;
  browser: Browser;
  /** A fresh browser profile: one per person; 1280 px wide unless told. */
  person(
    name: string,
    viewport?: { width: number; height: number },
  ): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** The whole product as a user meets it: the built web app and the API on one port, real Postgres, real Chromium. */
export async function startStage(
  env: Record<string, string> = {},
  options: { host?: string; port?: number } = {},
): Promise<Stage> {
  const database = await createTestDatabase();
  // A port chosen beforehand: an identity provider must know the redirect URIs before Roster starts.
  const port = options.port ?? (await freePort());
  // Passkeys need a domain for their relying party (not an IP address): `host: "localhost"`.
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    SECRET_KEY: "web-story-secret-key-long-enough-0000000",
    WEB_DIST_DIR: webDist,
    LOG_LEVEL: "warn",
    ...env,
  });
  const server = await startServer({ config, database, outboxPollMs: 200 });
  const browser = await chromium.launch(chromiumLaunchOptions);
  mkdirSync(artifactsDir, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    url,
    server,
    database,
    browser,
    async person(_name, viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ baseURL: url, viewport });
      contexts.push(context);
      const page = await context.newPage();
      // Generous: a loaded 2-core machine can take many seconds for what a quiet one does at once.
      page.setDefaultTimeout(60_000);
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
      await database.drop();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns violations of WCAG A/AA rules. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/** Screenshot kept as a test artifact, named by step. */
export async function snap(page: Page, step: string): Promise<void> {
  await page.screenshot({ path: `${artifactsDir}${step}.png`, fullPage: true });
}

/** The newest email to an address in the dev mailbox, and the first link in it to `path`. */
export async function mailLink(stage: Stage, to: string, path: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await stage.server.settle();
    await stage.server.worker.drain();
    const mail = await stage.database.db
      .selectFrom("dev_mailbox")
      .select("text")
      .where((eb) => eb(eb.fn("lower", ["to"]), "=", to.toLowerCase()))
      .orderBy("id", "desc")
      .execute();
    for (const m of mail) {
      const link = m.text.match(new RegExp(`https?://[^\\s]+${path}[A-Za-z0-9_-]+`))?.[0];
      if (link) return link;
    }
    if (Date.now() > deadline) throw new Error(`no ${path} email to ${to}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const password = "correct horse battery staple";

/** Signs up through the sign-up page and waits for the personal organization's dashboard. */
export async function signUp(page: Page, name: string, email: string): Promise<string> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: `${name}'s organization` }).waitFor();
  return new URL(page.url()).pathname;
}

/** Opens the emailed confirmation link. */
export async function confirmEmail(stage: Stage, page: Page, email: string): Promise<void> {
  await page.goto(await mailLink(stage, email, "/verify-email/"));
  await page.getByText(`${email} is confirmed`).waitFor();
}

/**
 * Follows the emailed invitation link of someone with no account yet to the sign-up page that names
 * `organization` (`atSignUp` looks at it), signs up as `name` and accepts.
 */
export async function signUpThroughInvitation(
  stage: Stage,
  page: Page,
  invitee: { email: string; name: string; organization: string },
  atSignUp: () => Promise<void>,
): Promise<void> {
  await page.goto(await mailLink(stage, invitee.email, "/invite/"));
  await page.getByRole("link", { name: "Create your account to accept" }).click();
  await page
    .getByRole("heading", { level: 1, name: `Create your account to join ${invitee.organization}` })
    .waitFor();
  await atSignUp();
  await page.getByLabel("Name").fill(invitee.name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await page.getByRole("heading", { level: 1, name: invitee.organization, exact: true }).waitFor();
}

/** How many organizations the person with this address belongs to. */
export async function organizationCount(stage: Stage, email: string): Promise<number> {
  const rows = await stage.database.db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("m.org_id")
    .where("u.email", "=", email)
    .execute();
  return rows.length;
}

/** What a field's description says: the texts its aria-describedby names (hint, counter, error). */
export function describedText(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );
}

/** How far the page is wider than the window (0 or less: no sideways scrolling). */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Elements reaching past the right edge of the window, except inside a box that scrolls sideways. */
export function sticksOut(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scrolls = (el: Element) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    return [...document.body.querySelectorAll<HTMLElement>("*")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= window.innerWidth + 0.5) return false;
        for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return false;
        return true;
      })
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`,
      );
  });
}

/**
 * How many lines the top bar's words take (each text's line boxes; the visually hidden and an open
 * switcher's list left out).
 */
export function topBarLines(page: Page): Promise<number> {
  return page.evaluate(() => {
    const bar = document.querySelector(".topbar");
    if (!bar) return 0;
    const walker = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
    const tops: number[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // The switcher's open list lies over the page; it is no line of the bar.
      if (!node.textContent?.trim() || node.parentElement?.closest(".roster-switcher-list")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 1 && rect.height > 1) tops.push(rect.top);
    }
    tops.sort((a, b) => a - b);
    // Words on one line differ in top by less than a line's height.
    return tops.filter((top, i) => i === 0 || top - tops[i - 1]! > 12).length;
  });
}

/** Requests the page sends to one procedure, counted from now on. */
export function countCalls(page: Page, procedure: string): { readonly count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/trpc/") && path.slice(6).split(",").includes(procedure)) counter.count += 1;
  });
  return counter;
}

/**
 * Waits until nothing on the page shows as loading, keeps a screenshot of the step and checks the
 * page with axe (WCAG 2.1 A and AA).
 */
export async function accessible(page: Page, step: string): Promise<void> {
  await page
    .waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0)
    .catch(async (error) => {
      const busy = await page.evaluate(() =>
        [...document.querySelectorAll('[aria-busy="true"]')].map((e) => e.outerHTML.slice(0, 300)),
      );
      throw new Error(`${step}: still loading: ${busy.join("\n")}`, { cause: error });
    });
  await snap(page, step);
  const violations = await axe(page);
  expect(violations, `${step}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}
