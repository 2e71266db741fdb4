// Summarises a V8 .cpuprofile: functions by self time, and self time by package.
import { readFileSync } from "node:fs";

function place(url) {
  if (!url) return "(native)";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return "node";
  const own = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return own ? `@roster/${own[2]}` : url;
}

export function summarizeProfile(file, top = 20) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map();
  const packages = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || "(anonymous)";
    const where = callFrame.url
      ? `${place(callFrame.url)} ${callFrame.url.split("/").pop()}:${callFrame.lineNumber + 1}`
      : "";
    const key = `${name} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    const pkg = ["(idle)", "(program)", "(garbage collector)"].includes(name) ? name : place(callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const pct = (us) => Math.round((us / total) * 1000) / 10;
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: Math.round(total / 1000),
    functions: sorted(functions)
      .slice(0, top)
      .map(([name, us]) => ({ name, selfPercent: pct(us) })),
    packages: sorted(packages)
      .slice(0, top)
      .map(([name, us]) => ({ name, selfPercent: pct(us) })),
  };
}

/**
 * Summarises a sampling heap profile written by bench/alloc-sampler.mjs: bytes allocated per
 * request, in all and by the function that allocated them (self), the largest first.
 */
export function summarizeAllocations(file, top = 20) {
  const { requests, profile } = JSON.parse(readFileSync(file, "utf8"));
  const functions = new Map();
  let total = 0;
  const visit = (node) => {
    const { callFrame } = node;
    const name = callFrame.functionName || "(anonymous)";
    const where = callFrame.url
      ? `${place(callFrame.url)} ${callFrame.url.split("/").pop()}:${callFrame.lineNumber + 1}`
      : "";
    const key = `${name} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile.head);
  const perRequest = (bytes) => Math.round(bytes / Math.max(1, requests));
  return {
    requests,
    bytesPerRequest: perRequest(total),
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ name, bytesPerRequest: perRequest(bytes) })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 20)), null, 2));
}
