import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** docs/architecture.md: a file a reader can take in at a glance, and imports that flow one way. */
const src = fileURLToPath(new URL("../src", import.meta.url));
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The files of `src` that `file` imports (static imports and re-exports, type-only ones too). */
function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;"]*?(?:\bfrom\s+)?"(\.{1,2}\/[^"]+)"/gm)];
  return specifiers.map(([, spec]) => resolve(dirname(file), (spec as string).replace(/\.js$/, ".ts")));
}

/** Groups of files that import each other, directly or through others (Tarjan's strongly connected components). */
function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, localImports(f).filter((to) => files.includes(to))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const connect = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)?.includes(file)) cycles.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return cycles;
}

describe("the server's source", () => {
  const files = sourceFiles(src);

  it(`keeps every file under ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({
        file: relative(src, file),
        lines: readFileSync(file, "utf8").split("\n").length - 1,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(importCycles(files).map((group) => group.map((f) => relative(src, f)))).toEqual([]);
  });

  it("checks an organization-wide permission in one place: orgProcedure, never again in the domain", () => {
    // requireWorkspacePermission falls back to it for a resource in no workspace; the audit log's
    // export is an HTTP route (a streamed body), checked like orgProcedure("audit:read").
    const allowed = ["audit-export.ts", "domain/workspace-permissions.ts", "trpc.ts"];
    const callers = files
      .filter((file) => /\brequirePermission\(access, /.test(readFileSync(file, "utf8")))
      .map((file) => relative(src, file))
      .sort();
    expect(callers).toEqual(allowed);
  });
});

describe("how the server is started", () => {
  it("runs with the Node.js options it is measured with, however it is started", async () => {
    const { NODE_FLAGS } = await import("../src/node-flags.js");
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(" ")} dist/main.js`);
    const start = readFileSync(new URL("../../../tooling/scripts/start.mjs", import.meta.url), "utf8");
    expect(start).toContain('[...NODE_FLAGS, "dist/main.js"');
  });
});
