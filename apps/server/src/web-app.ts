import { createReadStream, existsSync, type Stats, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { Context, Env, Hono } from "hono";
import { getMimeType } from "hono/utils/mime";

/** Hashed build output (`/assets/index-B4bvXKPe.js`): its name changes whenever its content does. */
const HASHED = "/assets/";
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Anything else (index.html, favicon.svg) is revalidated on every use, cheaply, by its ETag. */
export const REVALIDATE = "no-cache";
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;
/** Precompressed siblings written at build time, in order of preference. */
const ENCODINGS = [
  ["br", ".br"],
  ["gzip", ".gz"],
] as const;

/**
 * The encodings a client accepts, from `Accept-Encoding` (q-values honoured: `br;q=0` refuses
 * brotli; `*` accepts any encoding not named).
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  const refused = new Set<string>();
  let wildcard = false;
  for (const part of (header ?? "").split(",")) {
    const [token = "", ...params] = part.trim().toLowerCase().split(";");
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    const ok = Number.isFinite(weight) && weight > 0;
    if (token === "*") wildcard = ok;
    else (ok ? accepted : refused).add(token);
  }
  if (wildcard) for (const [encoding] of ENCODINGS) if (!refused.has(encoding)) accepted.add(encoding);
  return accepted;
}

function fileStats(path: string): Stats | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one file of the build: the brotli or gzip file written next to it when the client accepts
 * that encoding, with caching headers by kind (hashed assets immutable for a year, the rest
 * revalidated) and a 304 for a matching `If-None-Match`.
 */
function sendFile<E extends Env>(c: Context<E>, path: string, stats: Stats, cacheControl: string): Response {
  const type = getMimeType(path) ?? "application/octet-stream";
  const headers = new Headers({ "Content-Type": type, "Cache-Control": cacheControl });
  let file = path;
  let size = stats.size;
  let encodingTag = "";
  if (COMPRESSIBLE.test(type)) {
    headers.set("Vary", "Accept-Encoding");
    const accepted = acceptedEncodings(c.req.header("accept-encoding"));
    for (const [encoding, suffix] of ENCODINGS) {
      const compressed = accepted.has(encoding) ? fileStats(path + suffix) : undefined;
      if (!compressed) continue;
      headers.set("Content-Encoding", encoding);
      file = path + suffix;
      size = compressed.size;
      encodingTag = `-${encoding}`;
      break;
    }
  }
  // One tag per file version and encoding: a cache never mixes a gzip body with a brotli one.
  const etag = `W/"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}${encodingTag}"`;
  headers.set("ETag", etag);
  headers.set("Last-Modified", stats.mtime.toUTCString());
  const match = c.req.header("if-none-match");
  if (match?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Length", String(size));
  if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}

/**
 * Serves the built web app from `webDir`: its files, and index.html for every client-side route
 * (/invite/:token, /orgs/:id/members, …). A missing hashed asset is a 404, never the app shell:
 * a page still running an older build then fails to load a chunk plainly instead of parsing HTML.
 */
export function serveWebApp<E extends Env>(app: Hono<E>, webDir: string): boolean {
  const root = resolve(webDir);
  const index = join(root, "index.html");
  if (!existsSync(index)) return false;
  app.on(["GET", "HEAD"], "*", (c) => {
    let requested: string;
    try {
      requested = decodeURIComponent(c.req.path);
    } catch {
      return c.notFound();
    }
    const path = resolve(root, `.${requested}`);
    const inside = path.startsWith(root + sep) && !requested.includes("\0");
    const stats = inside ? fileStats(path) : undefined;
    // Compressed siblings are served only in place of their original, never by their own name.
    if (stats && !/\.(br|gz)$/.test(path)) {
      return sendFile(c, path, stats, requested.startsWith(HASHED) ? IMMUTABLE : REVALIDATE);
    }
    if (requested.startsWith(HASHED)) return c.notFound();
    const shell = fileStats(index);
    return shell ? sendFile(c, index, shell, REVALIDATE) : c.notFound();
  });
  return true;
}
