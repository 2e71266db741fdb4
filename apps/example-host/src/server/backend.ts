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
  /**
   * Who is signed in to the host, or null. A real host reads this from its own session; without
   * it, the demo's own sign-in (`users` and a `host_user` cookie) decides.
   */
  currentUser?: (request: Request) => HostUser | null;
  /** The demo's users, for its sign-in page (`/sign-in`). */
  users?: HostUser[];
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
  const users = options.users ?? [];
  const currentUser =
    options.currentUser ??
    ((request: Request) => {
      const id = request.headers.get("cookie")?.match(/(?:^|;\s*)host_user=([^;]+)/)?.[1];
      return users.find((u) => u.externalUserId === decodeURIComponent(id ?? "")) ?? null;
    });

  async function session(request: Request): Promise<Response> {
    const user = currentUser(request);
    if (!user)
      return Response.json({ signedIn: false }, { status: 401, headers: { "cache-control": "no-store" } });
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
      const bytes = await readFile(file);
      // The page needs Roster's address even before anyone signs in.
      const content = file.endsWith("index.html")
        ? bytes
            .toString("utf8")
            .replace(
              '<html lang="en">',
              `<html lang="en" data-roster-url="${escapeHtml(options.rosterUrl)}">`,
            )
        : new Uint8Array(bytes);
      return new Response(content, {
        headers: { "content-type": types[extname(file)] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  }

  /** The host's own sign-in: a form choosing one of the demo's users. */
  function signInPage(url: URL): Response {
    const next = url.searchParams.get("next") ?? "/";
    const options = users
      .map((u) => `<option value="${escapeHtml(u.externalUserId)}">${escapeHtml(u.name)}</option>`)
      .join("");
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Example host</title></head>
<body><main><h1>Sign in to Example host</h1><form method="get" action="/api/sign-in">
<label>Who are you? <select name="user">${options}</select></label>
<input type="hidden" name="next" value="${escapeHtml(next)}"><button type="submit">Sign in</button>
</form></main></body></html>`;
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
  }

  function signIn(url: URL): Response {
    const user = users.find((u) => u.externalUserId === url.searchParams.get("user"));
    const next = url.searchParams.get("next") ?? "/";
    // Only a path on this host: the sign-in never sends anyone elsewhere.
    const location = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    if (!user) return new Response("Unknown user", { status: 400 });
    return new Response(null, {
      status: 302,
      headers: {
        location,
        "set-cookie": `host_user=${encodeURIComponent(user.externalUserId)}; Path=/; HttpOnly; SameSite=Lax`,
      },
    });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://host.invalid");
    const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string> });
    let response: Response;
    try {
      response =
        url.pathname === "/api/roster-session"
          ? await session(request)
          : url.pathname === "/sign-in"
            ? signInPage(url)
            : url.pathname === "/api/sign-in"
              ? signIn(url)
              : // The host's own routes (its team page, its accept-invitation page) are one page.
                await page(url.pathname.startsWith("/invite/") ? "/" : url.pathname);
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
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  // Invitations made on this host's page link back to its own accept page.
  await roster.host.update.mutate({ acceptInvitationUrl: `${url}/invite/{token}` });
  return {
    server,
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

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
