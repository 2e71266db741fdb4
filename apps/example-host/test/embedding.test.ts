import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient } from "@roster/sdk";
import { loadConfig, type RunningServer, startServer } from "@roster/server";
import { chromiumLaunchOptions, freePort } from "@roster/testing";
import { type Browser, chromium, type Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostKeyWithCli, startHostBackend } from "../src/server/backend.js";

let database: TestDatabase;
let roster: RunningServer;
let host: Awaited<ReturnType<typeof startHostBackend>>;
let browser: Browser;
const dana = { externalUserId: "u-dana", email: "dana@host.example", name: "Dana Host" };

beforeAll(async () => {
  const hostPort = await freePort();
  database = await createTestDatabase();
  roster = await startServer({
    config: loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      SECRET_KEY: "example-host-test-secret-key-long-enough",
      LOG_LEVEL: "silent",
      // Only the host's page may call Roster from a browser.
      ALLOWED_ORIGINS: `http://127.0.0.1:${hostPort}`,
    }),
    database,
    runWorker: false,
  });
  const hostKey = await createHostKeyWithCli(database.url);

  // The host's users as Roster knows them: Dana, and two colleagues in her organization.
  const hostClient = createRosterClient({ url: roster.url, token: hostKey });
  const token = async (id: string, name: string) =>
    (await hostClient.embed.createToken.mutate({ externalUserId: id, email: `${id}@host.example`, name }))
      .token;
  const danaClient = createRosterClient({
    url: roster.url,
    token: await token(dana.externalUserId, dana.name),
  });
  const orgId = (await danaClient.orgs.list.query())[0]!.id;
  for (const [id, name] of [
    ["u-eli", "Eli Colleague"],
    ["u-fay", "Fay Colleague"],
  ] as const) {
    const colleague = createRosterClient({ url: roster.url, token: await token(id, name) });
    const { results } = await danaClient.invitations.create.mutate({
      orgId,
      emails: [`${id}@host.example`],
      role: "member",
    });
    await colleague.invitations.accept.mutate({ invitationId: results[0]!.invitationId! });
  }

  host = await startHostBackend({
    rosterUrl: roster.url,
    hostKey,
    port: hostPort,
    webDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    currentUser: () => dana,
  });
  browser = await chromium.launch(chromiumLaunchOptions);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await roster?.close();
  await database?.drop();
});

describe("a host product embedding the widgets on its own origin", () => {
  it("shows the organization's members with an embed token, calling Roster directly", async () => {
    const page = await browser.newPage();
    const requests: Request[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${roster.url}/trpc/`) && request.method() !== "OPTIONS")
        requests.push(request);
    });
    await page.goto(host.url);
    const table = page.getByRole("table", { name: "Members" });
    await table.getByRole("row", { name: /Eli Colleague/ }).waitFor();
    const names = await table.locator(".roster-name").allTextContents();
    expect(names.map((n) => n.replace(" (you)", ""))).toEqual(
      expect.arrayContaining(["Dana Host", "Eli Colleague", "Fay Colleague"]),
    );
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Dana Host's team");
    // The page is on the host's origin; Roster is another one, reached with the bearer token.
    expect(new URL(host.url).origin).not.toBe(new URL(roster.url).origin);
    expect(requests.length).toBeGreaterThan(0);
    for (const headers of await Promise.all(requests.map((r) => r.allHeaders()))) {
      expect(headers.origin).toBe(host.url);
      expect(headers.authorization).toMatch(/^Bearer \S+$/);
      expect(headers.cookie).toBeUndefined();
    }
    await page.close();
  });

  it("does not work from an origin Roster was not told about", async () => {
    const page = await browser.newPage();
    // Same backend, reached as localhost instead of 127.0.0.1: a different origin.
    await page.goto(host.url.replace("127.0.0.1", "localhost"));
    await page.getByText("Roster could not be reached.").first().waitFor();
    expect(await page.locator(".roster-name").count()).toBe(0);
    await page.close();
  });
});
