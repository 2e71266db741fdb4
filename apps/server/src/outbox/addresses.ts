import { promises as dns } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Which addresses a webhook may be sent to in production: public unicast only. Names are checked
 * where the connection is made (the resolved address, through `guardedLookup`), so a name that
 * resolves to an internal host, or changes its answer after the URL was accepted, is refused.
 */

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");

/** True for every IPv4 range that is not public unicast (private, loopback, multicast, reserved, …). */
function specialV4(address: ipaddr.IPv4): boolean {
  return address.range() !== "unicast";
}

/** The IPv4 address carried in the low 32 bits of an IPv6 address. */
const low32 = (parts: number[]) =>
  new ipaddr.IPv4([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);

function specialV6(address: ipaddr.IPv6): boolean {
  const range = address.range();
  const parts = address.parts;
  // Forms that carry an IPv4 address reach that address: judge the address they carry.
  if (range === "ipv4Mapped" || range === "rfc6145") return specialV4(low32(parts));
  if (range === "rfc6052") return address.match(NAT64_WELL_KNOWN) ? specialV4(low32(parts)) : true;
  if (range === "6to4") {
    const [, hi = 0, lo = 0] = parts;
    return specialV4(new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]));
  }
  if (range !== "unicast") return true;
  // Outside 2000::/3 nothing is publicly routed (IPv4-compatible ::a.b.c.d, site-local fec0::/10, …).
  return !address.match(GLOBAL_UNICAST_V6);
}

/** Whether `ip` (an IPv4 or IPv6 literal, brackets allowed) is anything but a public unicast address. */
export function isSpecialUseAddress(ip: string): boolean {
  const literal = ip.replace(/^\[|\]$/g, "");
  // Only canonical literals: ipaddr.js also reads classful forms like "1.2.3", which a socket would not.
  if (isIP(literal) === 0 || !ipaddr.isValid(literal)) return true;
  const address = ipaddr.parse(literal);
  return address.kind() === "ipv4" ? specialV4(address as ipaddr.IPv4) : specialV6(address as ipaddr.IPv6);
}

/** Host names that never name a public host, whatever a resolver says. */
export function isInternalName(hostname: string): boolean {
  const host = hostname.replace(/\.$/, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".internal") ||
    host.endsWith(".local") ||
    host.endsWith(".home.arpa") ||
    !host.includes(".")
  );
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has. Injectable so tests can play a DNS server. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Thrown when the resolved address of an endpoint is not a public one; nothing was sent. */
export class BlockedAddressError extends Error {
  override readonly name = "BlockedAddressError";
  readonly code = "ROSTER_BLOCKED_ADDRESS";
}

/**
 * A `lookup` for `http.request` / `net.connect`: resolves with `resolve` and refuses (before any
 * connection) when any answer is a special-use address, unless private networks are allowed.
 * The socket connects to exactly the address checked here, so DNS rebinding cannot slip past.
 */
export function guardedLookup(resolve: HostResolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (error: Error | null, address?: unknown, family?: number) => void;
    resolve(hostname)
      .then((answers) => {
        const family = typeof options.family === "number" ? options.family : 0;
        const usable = family ? answers.filter((a) => a.family === family) : answers;
        if (usable.length === 0) {
          throw Object.assign(new Error(`No address for ${hostname}.`), { code: "ENOTFOUND" });
        }
        if (!allowPrivate && usable.some((a) => isSpecialUseAddress(a.address))) {
          throw new BlockedAddressError(`${hostname} resolves to an address that is not public.`);
        }
        if (options.all) done(null, usable);
        else done(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((error: Error) => done(error));
  };
}

/** Checks a URL's host before connecting: a literal address is never looked up, so check it here. */
export function literalHostIsBlocked(hostname: string, allowPrivate: boolean): boolean {
  if (allowPrivate) return false;
  const literal = hostname.replace(/^\[|\]$/g, "");
  return isIP(literal) !== 0 && isSpecialUseAddress(literal);
}
