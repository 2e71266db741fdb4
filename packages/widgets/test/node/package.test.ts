import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What a host product does: install the packed SDK and widgets into its own project, outside this
 * repository, next to the public packages they need, and compile against them.
 */
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const widgetsDir = join(here, "../..");
const sdkDir = join(widgetsDir, "../sdk");
const require = createRequire(join(widgetsDir, "package.json"));

/** The exact versions this repository builds with, so the host gets what was tested. */
function versionOf(name: string, from = widgetsDir): string {
  const local = createRequire(join(from, "package.json"));
  const manifest = JSON.parse(readFileSync(local.resolve(`${name}/package.json`), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

const hostTsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023", "DOM", "DOM.Iterable"],
    module: "ESNext",
    moduleResolution: "Bundler",
    jsx: "react-jsx",
    strict: true,
    noEmit: true,
    // As hosts compile (tRPC's server declarations name Node's and ws's types); that the packages'
    // declarations resolve is checked on its own below.
    skipLibCheck: true,
    types: [],
  },
};

const hostApp = `
import { createRosterClient, isRosterError, ROSTER_ERROR_REASONS, type RouterOutputs } from "@roster/sdk";
import { AcceptBanner, ApiKeys, AuditLog, InviteForm, MemberList, OrganizationProfile, RosterProvider } from "@roster/widgets";

const roster = createRosterClient({ url: "https://roster.example.com", token: () => "a host's embed token" });

type Member = RouterOutputs["members"]["list"]["items"][number];

export async function inviteColleagues(orgId: string): Promise<string[]> {
  const { results } = await roster.invitations.create.mutate({
    orgId,
    emails: ["ada@example.com", "grace@example.com"],
    role: "member",
  });
  return results.filter((r) => r.status === "invited").map((r) => r.email);
}

export async function firstMemberName(orgId: string): Promise<string | null> {
  try {
    const page = await roster.members.list.query({ orgId, limit: 10 });
    const first: Member | undefined = page.items[0];
    return first ? (first.name ?? first.email) : null;
  } catch (error) {
    if (isRosterError(error, "PERMISSION_DENIED")) return null;
    throw error;
  }
}

export const reasons: readonly string[] = ROSTER_ERROR_REASONS;

export function Dashboard({ orgId, token }: { orgId: string; token: () => Promise<string> }) {
  return (
    <RosterProvider url="https://roster.example.com" token={token} theme="dark">
      <AcceptBanner />
      <MemberList orgId={orgId} pageSize={25} onAfter={(action, outcome) => console.log(action.type, outcome.ok)} />
      <InviteForm orgId={orgId} />
      <OrganizationProfile orgId={orgId} metadataFields={[{ key: "plan", label: "Plan" }]} onDeleted={() => undefined} />
      <ApiKeys orgId={orgId} />
      <AuditLog orgId={orgId} pageSize={20} />
    </RosterProvider>
  );
}
`;

/** Each line is a mistake a host could make; every one must be a compile error. */
const hostMistakes = `
import { createRosterClient } from "@roster/sdk";
import { MemberList } from "@roster/widgets";

const roster = createRosterClient({ url: "https://roster.example.com" });

export const wrongInput = () => roster.invitations.create.mutate({ orgId: "o", emails: "ada@example.com", role: "member" });
export const unknownProcedure = () => roster.members.promote.mutate({ orgId: "o" });
export const wrongOutput = async (): Promise<number> => (await roster.orgs.get.query({ orgId: "o" })).name;
export const missingProp = () => <MemberList />;
`;

let folder: string;
let tsc: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "roster-host-"));
  tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  for (const dir of [sdkDir, widgetsDir]) {
    await run("pnpm", ["pack", "--pack-destination", folder], { cwd: dir });
  }
  writeFileSync(
    join(folder, "package.json"),
    JSON.stringify({ name: "host", private: true, type: "module" }),
  );
  writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ ...hostTsconfig, files: ["app.tsx"] }));
  writeFileSync(
    join(folder, "tsconfig.mistakes.json"),
    JSON.stringify({ ...hostTsconfig, files: ["mistakes.tsx"] }),
  );
  writeFileSync(join(folder, "app.tsx"), hostApp);
  writeFileSync(join(folder, "mistakes.tsx"), hostMistakes);
  const react = versionOf("react");
  const publicPackages = [
    `react@${react}`,
    `react-dom@${versionOf("react-dom")}`,
    `@tanstack/react-query@${versionOf("@tanstack/react-query")}`,
    `@trpc/server@${versionOf("@trpc/server")}`,
    `@types/react@${versionOf("@types/react")}`,
    `@types/react-dom@${versionOf("@types/react-dom")}`,
    `typescript@${versionOf("typescript")}`,
  ];
  // npm's cache answers after the first run; the registry is asked only for what it lacks.
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      "./roster-sdk-0.1.0.tgz",
      "./roster-widgets-0.1.0.tgz",
      ...publicPackages,
    ],
    { cwd: folder },
  );
}, 120_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function compile(project: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [tsc, "-p", project, "--pretty", "false"], {
      cwd: folder,
    });
    return { ok: true, output: stdout };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

describe("the packed SDK and widgets in a host project outside the repository", () => {
  it("install from their tarballs without any workspace package", () => {
    const installed = JSON.parse(
      readFileSync(join(folder, "node_modules/@roster/widgets/package.json"), "utf8"),
    ) as { dependencies: Record<string, string> };
    expect(installed.dependencies["@roster/sdk"]).toBe("0.1.0");
    const sdk = JSON.parse(readFileSync(join(folder, "node_modules/@roster/sdk/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(sdk.dependencies).filter((name) => name.startsWith("@roster/"))).toEqual([]);
    const imports = (file: string) =>
      new Set(
        [
          ...readFileSync(join(folder, "node_modules/@roster/sdk/dist", file), "utf8").matchAll(
            /from ['"]([^'"]+)['"]/g,
          ),
        ].map((m) => m[1]),
      );
    // The client's declarations need tRPC and the event types beside them; only the event schemas
    // (`@roster/sdk/events`) need zod, so the widgets never load it.
    expect(imports("index.d.ts")).toEqual(new Set(["@trpc/server", "@trpc/client", "./events.js"]));
    expect(imports("events.d.ts")).toEqual(new Set(["zod"]));
  });

  it("ship widget declarations whose every import resolves in the host", () => {
    const dist = join(folder, "node_modules/@roster/widgets/dist");
    const files = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"));
    const bare = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(dist, file), "utf8");
      for (const [, name] of text.matchAll(/(?:from|import\()\s*["']([^"'.][^"']*)["']/g)) bare.add(name!);
    }
    expect([...bare].sort()).toContain("@roster/sdk");
    const packageName = (name: string) =>
      name
        .split("/")
        .slice(0, name.startsWith("@") ? 2 : 1)
        .join("/");
    const missing = [...bare].filter(
      (name) => !existsSync(join(folder, "node_modules", packageName(name), "package.json")),
    );
    expect(missing).toEqual([]);
  });

  it("type-check a host file that calls the SDK and renders the widgets", async () => {
    const { ok, output } = await compile("tsconfig.json");
    expect(output).toBe("");
    expect(ok).toBe(true);
  }, 60_000);

  it("make every wrong call a type error", async () => {
    const { ok, output } = await compile("tsconfig.mistakes.json");
    expect(ok).toBe(false);
    const lines = (n: number) => output.split("\n").filter((l) => l.startsWith(`mistakes.tsx(${n},`));
    // emails must be a list; `promote` does not exist; `name` is a string; MemberList needs orgId.
    expect(lines(7).join("\n")).toMatch(/TS2322/);
    expect(lines(8).join("\n")).toMatch(/TS2339.*promote/);
    expect(lines(9).join("\n")).toMatch(/TS2322/);
    expect(lines(10).join("\n")).toMatch(/TS2741.*orgId/);
    expect(
      output.split("\n").filter((l) => /^\S+\(\d+,\d+\): error/.test(l) && !l.startsWith("mistakes.tsx")),
    ).toEqual([]);
  }, 60_000);

  it("load in Node: the SDK with its reasons bundled, the widgets with their components", async () => {
    const script = `
      const sdk = await import("@roster/sdk");
      const widgets = await import("@roster/widgets");
      console.log(JSON.stringify({
        client: typeof sdk.createRosterClient,
        reasons: sdk.ROSTER_ERROR_REASONS.includes("LAST_OWNER"),
        widgets: ["RosterProvider", "MemberList", "InviteForm", "OrganizationProfile", "ApiKeys", "AuditLog"].every((n) => typeof widgets[n] === "function"),
      }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: folder });
    expect(JSON.parse(stdout)).toEqual({ client: "function", reasons: true, widgets: true });
  });
});
