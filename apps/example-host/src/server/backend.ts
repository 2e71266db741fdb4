import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { createRosterClient } from "@roster/sdk";

export interface HostUser {
  /** The user's id in the host product. */
  externalUserId: string;
  email: string;
  name: string;
}

export interface HostBackendOptions {
  /** Where Roster runs, as the browser reaches it. */
  rosterUrl: string;
  /** The host API key: it never leaves this backend. */
  hostKey: string;
  /** Who is signed in to the host. A real host reads this from its own session. */
  currentUser: (request: Request) => HostUser;
  /** The built page (dist/web). */
  webDir: string;
  port?: number;
  host?: string;
}

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * A host product's backend, as small as it gets: it serves its page, and for the signed-in user
 * asks Roster (with its host API key) for an embed token that the page's widgets send as a bearer
 * token straight to Roster.
 */
export async function startHostBackend(
  options: HostBackendOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const roster = createRosterClient({ url: options.rosterUrl, token: options.hostKey });

  async function session(request: Request): Promise<Response> {
    const user = options.currentUser(request);
    const embed = await roster.embed.createToken.mutate(user);
    // The organization the page shows: the one the user last opened in Roster.
    const orgs = await createRosterClient({ url: options.rosterUrl, token: embed.token }).orgs.list.query();
    const org = orgs.find((o) => o.active) ?? orgs[0];
    const body = {
      rosterUrl: options.rosterUrl,
      token: embed.token,
      expiresAt: embed.expiresAt,
      orgId: org?.id ?? null,
      user: { name: user.name },
    };
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  }

  async function page(path: string): Promise<Response> {
    const file = normalize(join(options.webDir, path === "/" ? "index.html" : path));
    if (!file.startsWith(normalize(options.webDir))) return new Response("Not found", { status: 404 });
    try {
      const content = await readFile(file);
      return new Response(content, {
        headers: { "content-type": types[extname(file)] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://host.invalid");
    const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string> });
    let response: Response;
    try {
      response = url.pathname === "/api/roster-session" ? await session(request) : await page(url.pathname);
    } catch (error) {
      console.error(error);
      response = Response.json({ error: "Roster is not reachable from the host backend." }, { status: 502 });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Makes a host API key the way an operator does, with Roster's `roster host-keys create` command,
 * against the database at `databaseUrl`. For the demo and the tests; a real host keeps its key in
 * its secrets.
 */
export async function createHostKeyWithCli(databaseUrl: string, name = "Example host"): Promise<string> {
  const cli = join(dirname(createRequire(import.meta.url).resolve("@roster/server")), "cli.js");
  const { stdout } = await promisify(execFile)(process.execPath, [cli, "host-keys", "create", name], {
    env: {
      // Host keys are stored hashed, never sealed: the command needs no real secret key, and a
      // throwaway one keeps it from writing a development key to disk.
      SECRET_KEY: randomBytes(32).toString("base64url"),
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "silent",
    },
  });
  const key = stdout.match(/rhk_\S+/)?.[0];
  if (!key) throw new Error(`roster host-keys create printed no key: ${stdout}`);
  return key;
}
