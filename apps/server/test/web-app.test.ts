import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptedEncodings, serveWebApp } from "../src/web-app.js";

/** A built web app as Vite writes it: hashed assets with their .br/.gz, an index.html, a favicon. */
let dir: string;
const app = new Hono();
const script = `console.log(${JSON.stringify("roster ".repeat(200))});`;
const shell = `<!doctype html><html><head><title>Roster</title></head><body>${"<div></div>".repeat(80)}</body></html>`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "roster-web-"));
  mkdirSync(join(dir, "assets"));
  for (const [name, text] of [
    ["assets/index-AbC123.js", script],
    ["index.html", shell],
  ] as const) {
    writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, `${name}.gz`), gzipSync(text));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(text));
  }
  writeFileSync(join(dir, "assets/logo-Xy9.png"), Buffer.from([137, 80, 78, 71]));
  writeFileSync(join(dir, "favicon.svg"), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  expect(serveWebApp(app, dir)).toBe(true);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe("the built web app over HTTP", () => {
  it("serves a hashed asset as brotli, gzip or plain by Accept-Encoding, cached for a year", async () => {
    const br = await get("/assets/index-AbC123.js", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get("content-length"))).toBe(brBody.length);
    expect(brBody.length).toBeLessThan(script.length / 5);
    expect(brotliDecompressSync(brBody).toString()).toBe(script);

    const gz = await get("/assets/index-AbC123.js", { "accept-encoding": "gzip, br;q=0" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);

    const plain = await get("/assets/index-AbC123.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    expect(await plain.text()).toBe(script);
  });

  it("never serves a compressed sibling by its own name, nor files outside the build", async () => {
    expect((await get("/assets/index-AbC123.js.br")).status).toBe(404);
    // The file next to the build, reached by climbing out in every spelling: never its content.
    const outside = `${dir}-secret.txt`;
    writeFileSync(outside, "outside the build");
    const name = outside.split("/").pop();
    for (const path of [
      `/../${name}`,
      `/%2e%2e/${name}`,
      `/assets/%2e%2e%2f%2e%2e%2f${name}`,
      `/..%5c${name}`,
    ]) {
      const response = await get(path);
      expect(await response.text(), path).not.toContain("outside the build");
    }
    rmSync(outside);
  });

  it("answers a missing hashed asset with 404, not the app shell", async () => {
    const missing = await get("/assets/index-Old999.js");
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("<!doctype html>");
  });

  it("serves index.html for client-side routes, revalidated every time, with a 304 for its ETag", async () => {
    const page = await get("/orgs/123/members", { "accept-encoding": "br" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-encoding")).toBe("br");
    expect(brotliDecompressSync(Buffer.from(await page.arrayBuffer())).toString()).toBe(shell);
    const etag = page.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await get("/", { "accept-encoding": "br", "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // Another encoding is another body: its tag differs, so a cache never mixes them.
    const gz = await get("/", { "accept-encoding": "gzip", "if-none-match": etag });
    expect(gz.status).toBe(200);
    expect(gz.headers.get("etag")).not.toBe(etag);
  });

  it("leaves binary files alone and revalidates files without a hash in their name", async () => {
    const png = await get("/assets/logo-Xy9.png", { "accept-encoding": "br, gzip" });
    expect(png.headers.get("content-encoding")).toBeNull();
    expect(png.headers.get("vary")).toBeNull();
    expect(png.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const icon = await get("/favicon.svg");
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers HEAD with the headers and no body", async () => {
    const head = await app.request("/assets/index-AbC123.js", {
      method: "HEAD",
      headers: { "accept-encoding": "br" },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-encoding")).toBe("br");
    expect(await head.text()).toBe("");
  });

  it("reads Accept-Encoding with its weights", () => {
    expect([...acceptedEncodings("gzip, deflate, br")].sort()).toEqual(["br", "deflate", "gzip"]);
    expect([...acceptedEncodings("br;q=0, gzip;q=0.5")]).toEqual(["gzip"]);
    expect([...acceptedEncodings("*")].sort()).toEqual(["br", "gzip"]);
    expect([...acceptedEncodings("*, br;q=0")]).toEqual(["gzip"]);
    expect([...acceptedEncodings("identity")]).toEqual(["identity"]);
    expect([...acceptedEncodings(undefined)]).toEqual([]);
  });
});
