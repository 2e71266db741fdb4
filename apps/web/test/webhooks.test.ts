import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, type Stage, signUp, startStage } from "./harness.js";

/** A receiver on loopback (allowed outside production) that keeps what it was sent. */
interface Received {
  type: string;
}

let stage: Stage;
let page: Page;
let orgPath: string;
let receiver: Server;
let hookUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const event = JSON.parse(body) as { type: string };
      received.push({ type: event.type });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/roster`;
  stage = await startStage();
  page = (await stage.person("owner")).page;
  orgPath = await signUp(page, "Wren", "wren@example.com");
});
afterAll(async () => {
  await stage?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const endpoint = (url: string) => page.getByRole("listitem", { name: url });

describe("the webhooks section of Settings", () => {
  it("adds an endpoint, sends a test event, shows the delivery and replays it", async () => {
    await page.goto(`${orgPath}/settings/webhooks`);
    await page.getByLabel("Endpoint URL").fill(hookUrl);
    await page.getByRole("group", { name: "Events" }).getByLabel("membership.joined").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("Signing secret (shown once").waitFor();
    await endpoint(hookUrl).getByText("active · 1 event").waitFor();

    await endpoint(hookUrl).getByRole("button", { name: "Send test event" }).click();
    await endpoint(hookUrl).getByRole("button", { name: "Delivery log" }).click();
    const rows = endpoint(hookUrl).getByRole("row").filter({ hasText: "OK 200" });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    await accessible(page, "webhooks-delivery-log");

    await rows.first().getByRole("button", { name: "Replay" }).click();
    await page.getByText("Delivery queued again.").waitFor();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(received).toHaveLength(2);
    expect(received[1]!.type).toBe(received[0]!.type);
  });

  it("edits the address and events, pauses and re-enables, and rotates the secret", async () => {
    await endpoint(hookUrl).getByRole("button", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: `Edit ${hookUrl}` });
    const moved = `${hookUrl}/v2`;
    await form.getByLabel("New endpoint URL").fill(moved);
    await form.getByLabel("membership.removed").check();
    await form.getByRole("button", { name: "Save endpoint" }).click();
    await endpoint(moved).getByText("active · 2 events").waitFor();

    await endpoint(moved).getByRole("button", { name: "Pause" }).click();
    await endpoint(moved).getByText("disabled").waitFor();
    await endpoint(moved).getByRole("button", { name: "Re-enable" }).click();
    await endpoint(moved).getByText("active · 2 events").waitFor();

    const before = received.length;
    await endpoint(moved).getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("New signing secret (shown once").waitFor();
    await accessible(page, "webhooks-rotated");
    // The endpoint still receives after the rotation.
    await endpoint(moved).getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(before + 1);
  });
});
