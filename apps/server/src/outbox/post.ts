import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockedAddressError, guardedLookup, type HostResolver, literalHostIsBlocked } from "./addresses.js";

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  resolve: HostResolver;
  /** Development and tests: loopback and private receivers are allowed. Never in production. */
  allowPrivate: boolean;
}

/**
 * What an attempt came to, worded for the delivery log an organization admin reads. Errors are
 * deliberately generic: "connection refused" versus "reset" versus "host unreachable" would let an
 * admin map which ports are open on hosts they cannot otherwise see.
 */
export type PostResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string };

export const BLOCKED_ADDRESS_ERROR = "Not sent: the endpoint's address is not a public internet address.";
export const CONNECT_ERROR = "Could not connect to the endpoint.";

/** POSTs a body once: no redirects followed, the answer's body ignored, a hard overall timeout. */
export function postOnce(url: URL, options: PostOptions): Promise<PostResult> {
  const timedOut = `No answer within ${Math.round(options.timeoutMs / 100) / 10} s.`;
  if (literalHostIsBlocked(url.hostname, options.allowPrivate)) {
    return Promise.resolve({ ok: false, statusCode: null, error: BLOCKED_ADDRESS_ERROR });
  }
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: "POST",
      headers: { ...options.headers, "content-length": Buffer.byteLength(options.body).toString() },
      lookup: guardedLookup(options.resolve, options.allowPrivate),
      // One connection per attempt: a pooled socket would skip the address check on reuse.
      agent: false,
    });
    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: timedOut });
      req.destroy();
    }, options.timeoutMs);
    req.on("response", (res) => {
      const statusCode = res.statusCode ?? 0;
      res.destroy();
      finish(
        statusCode >= 200 && statusCode <= 299
          ? { ok: true, statusCode }
          : { ok: false, statusCode, error: `The endpoint answered HTTP ${statusCode}.` },
      );
    });
    req.on("error", (error) => {
      finish({
        ok: false,
        statusCode: null,
        error: error instanceof BlockedAddressError ? BLOCKED_ADDRESS_ERROR : CONNECT_ERROR,
      });
    });
    req.end(options.body);
  });
}
