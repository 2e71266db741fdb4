import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@roster/db/testing";
import { createRosterClient } from "@roster/sdk";
import { loadConfig, type RunningServer, startServer } from "@roster/server";
import { chromiumLaunchOptions, freePort } from "@roster/testing";
import { type ParsedMail, simpleParser } from "mailparser";
import { type Browser, chromium, type Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostKeyWithCli, type HostUser, startHostBackend } from "../src/server/backend.js";

let database: TestDatabase;
let roster: RunningServer;
let host: Awaited<ReturnType<typeof startHostBackend>>;
let browser: Browser;
let smtp: SMTPServer;
const mail: ParsedMail[] = [];

const dana: HostUser = { externalUserId: "u-dana", email: "dana@host.example", name: "Dana Host" };
const ivy: HostUser = { externalUserId: "u-ivy", email: "ivy@host.example", name: "Ivy Invitee" };

async function mailTo(address: string): Promise<ParsedMail> {
  for (let i = 0; i < 200; i++) {
    const found = mail.find((m) => m.to && JSON.stringify(m.to).includes(address));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`No email to ${address} arrived.`);
}

beforeAll(async () => {
  // A real SMTP server: Roster's outbox worker sends the invitation through it.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((parsed) => {
        mail.push(parsed);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const hostPort = await freePort();
  database = await createTestDatabase();
  roster = await startServer({
    config: loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      SECRET_KEY: "example-host-test-secret-key-long-enough",
      LOG_LEVEL: "silent",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      ALLOWED_ORIGINS: `http://127.0.0.1:${hostPort}`,
    }),
    database,
  });
  const hostKey = await createHostKeyWithCli(database.url);
  host = await startHostBackend({
    rosterUrl: roster.url,
    hostKey,
    port: hostPort,
    webDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    users: [dana, ivy],
  });
  browser = await chromium.launch(chromiumLaunchOptions);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await roster?.close();
  await database?.drop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** Every page a browser tab opened (documents only), to show none of them was Roster's. */
function documentsOf(page: Page): string[] {
  const visited: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}

async function signIn(page: Page, user: HostUser, next = "/") {
  await page.goto(`${host.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Who are you?").selectOption(user.externalUserId);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("an invitation that lands in the host product", () => {
  it("is sent from the host's page, opens the host's page, is accepted there, and the inviter sees the member", async () => {
    const danaPage = await browser.newPage();
    const danaVisited = documentsOf(danaPage);
    await signIn(danaPage, dana);
    await danaPage.getByRole("heading", { name: "Dana Host's team" }).waitFor();
    await danaPage.getByLabel("Email addresses").fill(ivy.email);
    await danaPage.getByRole("button", { name: "Send invitations" }).click();
    await danaPage.getByText("1 of 1 address was invited.").waitFor();

    // The email went out through SMTP, with a link to the host's own accept page.
    const invitation = await mailTo(ivy.email);
    const link = invitation.text?.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/)?.[0];
    expect(link, invitation.text).toBeDefined();
    expect(new URL(link!).origin).toBe(host.url);

    // Ivy opens it, not signed in to the host yet: the preview, then the host's sign-in.
    const ivyPage = await browser.newPage();
    const ivyVisited = documentsOf(ivyPage);
    await ivyPage.goto(link!);
    const widget = ivyPage.locator(".roster-accept-invitation");
    await ivyPage.getByRole("heading", { name: /Join Dana Host/ }).waitFor();
    expect(await widget.getAttribute("data-state")).toBe("signed-out");
    expect(await widget.textContent()).toContain("Dana Host invited you to join");
    await ivyPage.getByRole("button", { name: "Sign in" }).click();
    await ivyPage.getByLabel("Who are you?").selectOption(ivy.externalUserId);
    await ivyPage.getByRole("button", { name: "Sign in" }).click();

    // Back on the host's accept page, now with Ivy's embed token.
    await ivyPage.getByRole("button", { name: "Accept" }).waitFor();
    expect(new URL(ivyPage.url()).pathname).toBe(new URL(link!).pathname);
    await ivyPage.getByRole("button", { name: "Accept" }).click();
    await ivyPage.getByRole("heading", { name: "Ivy Invitee's team" }).waitFor();

    // Dana's page shows Ivy as a member.
    await danaPage.reload();
    const members = danaPage.getByRole("table", { name: "Members" });
    await members.getByRole("row", { name: /Ivy Invitee/ }).waitFor();
    expect(await members.getByRole("row", { name: /Ivy Invitee/ }).textContent()).not.toMatch(
      /invited|pending/i,
    );

    // No page on the way was served by Roster's web app: every document came from the host.
    const visited = [...danaVisited, ...ivyVisited].filter((u) => u !== "about:blank");
    expect(visited.length).toBeGreaterThan(4);
    for (const url of visited) expect(new URL(url).origin, url).toBe(host.url);
    expect(visited.some((u) => u.startsWith(roster.url))).toBe(false);

    // And Roster agrees: Ivy's account is a member of Dana's organization.
    const ivyToken = (await (await ivyPage.request.get(`${host.url}/api/roster-session`)).json()) as {
      token: string;
    };
    const orgs = await createRosterClient({ url: roster.url, token: ivyToken.token }).orgs.list.query();
    expect(orgs.map((o) => o.name).some((n) => n.includes("Dana Host"))).toBe(true);
    await danaPage.close();
    await ivyPage.close();
  });
});
