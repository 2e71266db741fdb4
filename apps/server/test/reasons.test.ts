import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROSTER_ERROR_STATUS } from "@roster/reasons";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("error reasons", () => {
  it("README's table lists every reason with its HTTP status, and nothing else", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| ([\d, ]+) \| .+ \|$/gm)].map(
      ([, reason, status]) => [reason, status?.trim()],
    );
    const expected = Object.entries(ROSTER_ERROR_STATUS).map(([reason, status]) => [
      reason,
      Array.isArray(status) ? status.join(", ") : String(status),
    ]);
    expect(rows).toEqual(expected);
  });

  it("are each answered somewhere in the server", () => {
    const source = sourceFiles(join(root, "apps/server/src"))
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    const unused = Object.keys(ROSTER_ERROR_STATUS).filter((reason) => !source.includes(`"${reason}"`));
    expect(unused).toEqual([]);
  });
});
