import { Resolver } from "node:dns/promises";
import type { TxtResolver } from "./deps.js";

/** Answers that mean "no such record", as opposed to a DNS server that could not be asked. */
const NO_RECORD = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN"]);

/**
 * TXT lookups for domain verification, through `servers` (the system's when empty). A name without
 * TXT records answers `[]`; a server that cannot be reached throws, so a check can tell "the
 * record is gone" from "DNS is down".
 */
export function txtResolver(servers: readonly string[]): TxtResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return async (name) => {
    try {
      return await resolver.resolveTxt(name);
    } catch (error) {
      if (NO_RECORD.has((error as NodeJS.ErrnoException).code ?? "")) return [];
      throw error;
    }
  };
}
