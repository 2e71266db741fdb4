import { BlockList, isIP } from "node:net";

/**
 * Which proxies in front of Roster may tell it the client's address (`X-Forwarded-For`). Each proxy
 * appends the address it received the request from, so only the right-most entries were written by
 * proxies we run; everything to their left was written by the client and can be forged.
 */
export type TrustProxy =
  | { kind: "none" }
  /** This many proxies always stand in front: the client is that many entries from the right. */
  | { kind: "hops"; hops: number }
  /** Proxies at these addresses or CIDR ranges are stripped from the right. */
  | { kind: "addresses"; list: string[] };

/** Parses TRUST_PROXY; returns a sentence when the value is not understood. */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const v = (value ?? "").trim().toLowerCase();
  if (["", "false", "0", "no", "off"].includes(v)) return { kind: "none" };
  // Kept from when TRUST_PROXY was a flag: one proxy in front.
  if (["true", "yes", "on"].includes(v)) return { kind: "hops", hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? { kind: "hops", hops } : "a hop count is at most 10";
  }
  const list = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (!parseRange(entry)) return `"${entry}" is not an IP address or CIDR range`;
  }
  return { kind: "addresses", list };
}

function parseRange(entry: string): { address: string; prefix: number; type: "ipv4" | "ipv6" } | null {
  const [address = "", prefixText, extra] = entry.split("/");
  const family = isIP(address);
  if (!family || extra !== undefined) return null;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d+$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > max) return null;
  return { address, prefix, type: family === 4 ? "ipv4" : "ipv6" };
}

/** One X-Forwarded-For entry as an address: brackets and a port may surround it. */
function forwardedAddress(entry: string): string | null {
  let e = entry.trim();
  const bracketed = e.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracketed?.[1]) e = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(e)) e = e.slice(0, e.lastIndexOf(":"));
  return isIP(e) ? e : null;
}

/**
 * Returns a function giving the client's address from the socket's peer address and the
 * X-Forwarded-For header, trusting only what `trust` allows.
 */
export function clientAddressResolver(trust: TrustProxy) {
  let trusted: BlockList | undefined;
  if (trust.kind === "addresses") {
    trusted = new BlockList();
    for (const entry of trust.list) {
      const range = parseRange(entry);
      if (range) trusted.addSubnet(range.address, range.prefix, range.type);
    }
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return !!trusted && family !== 0 && trusted.check(address, family === 4 ? "ipv4" : "ipv6");
  };

  return (peer: string | null, forwardedFor: string | null): string | null => {
    if (trust.kind === "none" || !peer) return peer;
    // The chain from the nearest hop outwards: our peer, then X-Forwarded-For right to left,
    // stopping at anything that is not an address (nothing left of it can be trusted).
    const chain = [peer];
    for (const entry of (forwardedFor ?? "").split(",").reverse()) {
      if (!entry.trim()) continue;
      const address = forwardedAddress(entry);
      if (!address) break;
      chain.push(address);
    }
    if (trust.kind === "hops") return chain[Math.min(trust.hops, chain.length - 1)] ?? peer;
    let i = 0;
    while (i < chain.length - 1 && isTrusted(chain[i]!)) i += 1;
    return chain[i] ?? peer;
  };
}
