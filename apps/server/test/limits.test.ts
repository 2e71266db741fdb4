import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, PASSWORD, startTestServer, type TestServer } from "./helpers.js";

/**
 * One request cannot make the server hold an unbounded body or run an unbounded batch: both are
 * refused with a reason, early, while /healthz keeps answering.
 */

interface Sent {
  status: number;
  body: { error: { message: string; code: number; data: { code: string; reason: string } } };
  /** Bytes written by the time the answer arrived. */
  written: number;
}

/**
 * POSTs `total` bytes in 64 KiB chunks (with a Content-Length, or chunked without one) and stops
 * writing as soon as the server answers, as a client streaming a large upload would.
 */
function post(url: string, total: number, options: { contentLength?: number; chunked?: boolean }) {
  return new Promise<Sent>((resolve, reject) => {
    const target = new URL(url);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!options.chunked) headers["content-length"] = String(options.contentLength ?? total);
    const req = request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: "POST",
      headers,
    });
    let written = 0;
    let answered = false;
    const timer = setTimeout(() => reject(new Error("no answer within 20 s")), 20_000);
    req.on("response", (res) => {
      answered = true;
      const at = written;
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), written: at });
      });
    });
    // The server may close the connection after answering; that is not a failure here.
    req.on("error", () => {});
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!answered && written < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered && written >= total) req.end();
    };
    pump();
  });
}

describe("request limits", () => {
  let t: TestServer;
  const MB = 1024 * 1024;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  const tooLarge = { code: "PAYLOAD_TOO_LARGE", reason: "PAYLOAD_TOO_LARGE" };

  it("refuses a body whose Content-Length is over the limit before reading it", async () => {
    const sent = await post(`${t.url}/trpc/auth.signIn`, 64 * MB, {});
    expect(sent.status).toBe(413);
    expect(sent.body.error.data).toMatchObject(tooLarge);
    expect(sent.body.error.message).toMatch(/at most 1048576 bytes/);
    expect(sent.written).toBeLessThan(32 * MB);
  });

  it("refuses a chunked body without Content-Length while it streams in", async () => {
    const sent = await post(`${t.url}/trpc/auth.signIn`, 64 * MB, { chunked: true });
    expect(sent.status).toBe(413);
    expect(sent.body.error.data).toMatchObject(tooLarge);
    expect(sent.written).toBeLessThan(32 * MB);
  });

  it("accepts a body under the limit, chunked or not", async () => {
    for (const chunked of [false, true]) {
      const body = JSON.stringify({ email: "nobody@example.com", password: "x".repeat(200_000) });
      const res = await fetch(`${t.url}/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunked ? new Blob([body]).stream() : body,
        ...(chunked ? { duplex: "half" } : {}),
      } as RequestInit);
      const json = (await res.json()) as { error: { data: { reason: string } } };
      expect(json.error.data.reason).not.toBe("PAYLOAD_TOO_LARGE");
    }
  });

  it("keeps /healthz answering during large uploads", async () => {
    const uploads = [1, 2, 3, 4].map(() => post(`${t.url}/trpc/auth.signIn`, 100 * MB, { chunked: true }));
    const started = Date.now();
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const sent of await Promise.all(uploads)) expect(sent.status).toBe(413);
  });

  it("refuses a batch of more than 20 calls before running any, GET or POST", async () => {
    const paths = (n: number, path: string) => Array.from({ length: n }, () => path).join(",");
    const input = (n: number, value: unknown) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, value])));

    const get = await fetch(
      `${t.url}/trpc/${paths(21, "auth.me")}?batch=1&input=${encodeURIComponent(input(21, {}))}`,
    );
    expect(get.status).toBe(400);
    const getBody = (await get.json()) as Sent["body"];
    expect(getBody.error.data).toMatchObject({ code: "BAD_REQUEST", reason: "BATCH_TOO_LARGE" });
    expect(getBody.error.message).toMatch(/21 calls; at most 20/);

    // 300 sign-ins would be 300 password hashes; none starts.
    const signIns = 300;
    const started = Date.now();
    const res = await fetch(`${t.url}/trpc/${paths(signIns, "auth.signIn")}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: input(signIns, { email: "victim@example.com", password: PASSWORD }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Sent["body"]).error.data.reason).toBe("BATCH_TOO_LARGE");
    expect(Date.now() - started).toBeLessThan(1_000);

    const ok = await fetch(
      `${t.url}/trpc/${paths(20, "auth.me")}?batch=1&input=${encodeURIComponent(input(20, {}))}`,
    );
    expect(ok.status).not.toBe(400);
  });

  it("lets the SDK send any number of calls at once, split into allowed batches", async () => {
    const alice = await t.signUp("Alice");
    const all = await Promise.all(Array.from({ length: 45 }, () => alice.client.orgs.list.query()));
    expect(all).toHaveLength(45);
    expect(await failure(t.client().orgs.list.query())).toMatchObject({ reason: "UNAUTHENTICATED" });
  });
});
