import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real webhook receiver on loopback, written as a host product would write one: it checks the
 * Roster-Signature header against the shared secret (HMAC-SHA256 over "<t>.<body>", timestamp
 * within five minutes), and only then trusts the event.
 */
export interface ReceivedWebhook {
  event: string;
  deliveryId: string;
  signature: string;
  timestamp: number;
  verified: boolean;
  body: string;
  payload: {
    id: string;
    type: string;
    createdAt: string;
    organization: { id: string };
    actor: { userId: string } | null;
    target: { type: string; id: string } | null;
    data: Record<string, unknown>;
  };
  status: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Changes the secret the receiver checks against (after a rotation). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export function verifySignature(
  header: string,
  body: string,
  secret: string,
  now: Date,
): { ok: boolean; timestamp: number } {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return { ok: false, timestamp };
  if (Math.abs(now.getTime() / 1000 - timestamp) > 300) return { ok: false, timestamp };
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return { ok: given.length === expected.length && timingSafeEqual(given, expected), timestamp };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `respond(n)` gives the status for the n-th request (1-based); "hang" never answers. `now` is the
 * clock the receiver checks timestamps against (the test's clock).
 */
export async function startReceiver(options: {
  secret: string;
  now: () => Date;
  respond?: (n: number, hook: ReceivedWebhook) => number | "hang";
}): Promise<Receiver> {
  let secret = options.secret;
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const signature = String(req.headers["roster-signature"] ?? "");
    const check = verifySignature(signature, body, secret, options.now());
    const hook: ReceivedWebhook = {
      event: String(req.headers["roster-event"] ?? ""),
      deliveryId: String(req.headers["roster-delivery"] ?? ""),
      signature,
      timestamp: check.timestamp,
      verified: check.ok,
      body,
      payload: JSON.parse(body),
      status: 0,
    };
    received.push(hook);
    const status = check.ok ? (options.respond?.(received.length, hook) ?? 200) : 401;
    if (status === "hang") return;
    hook.status = status;
    res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/roster`,
    received,
    setSecret(next) {
      secret = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
