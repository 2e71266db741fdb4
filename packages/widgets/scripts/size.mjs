// Size budget. A host imports the widgets it uses and its bundler drops the rest, so each widget is
// measured as a host would ship it alone (an entry importing just that widget, minified, the
// libraries a host already has kept external), and so is the whole package; the script fails when
// any of them is over its budget. Label sets other than English are chunks loaded only when chosen.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { build } from "vite";

/** The whole package: every widget and hook. */
const BUDGET_BYTES = 32 * 1024;
/** One widget, with the provider and everything it pulls in. */
const WIDGET_BUDGET_BYTES = 14 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "roster-widgets-size-"));
const kb = (n) => `${(n / 1024).toFixed(2)} kB`;

/** Components exported by the package: names starting with a capital letter that are not types. */
function widgetNames() {
  const index = readFileSync(join(root, "src/index.ts"), "utf8");
  const names = new Set();
  for (const block of index.matchAll(/export\s*\{([^}]*)\}\s*from/g)) {
    for (const part of block[1].split(",")) {
      const name = part.trim();
      if (/^[A-Z][A-Za-z]+$/.test(name) && name !== "RosterProvider") names.add(name);
    }
  }
  return [...names].sort();
}

async function measure(name, source) {
  const entry = join(work, `${name}.entry.js`);
  writeFileSync(entry, source);
  const outDir = join(work, name);
  await build({
    root,
    configFile: false,
    logLevel: "warn",
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      lib: { entry, formats: ["es"], fileName: () => "entry.js" },
      rolldownOptions: {
        external: ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query", /^@trpc\//],
        // Library mode keeps whitespace in ES output; a host's bundler minifies it fully, so measure that.
        output: { minify: true },
      },
    },
  });
  const chunks = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".js") && f !== "entry.js",
  );
  const code = readFileSync(join(outDir, "entry.js"));
  return { raw: code.length, gzipped: gzipSync(code, { level: 9 }).length, chunks, outDir };
}

try {
  const src = join(root, "src/index.ts");
  let over = false;
  for (const name of widgetNames()) {
    const { gzipped } = await measure(
      name,
      `export { RosterProvider, ${name} } from ${JSON.stringify(src)};\n`,
    );
    const fits = gzipped <= WIDGET_BUDGET_BYTES;
    over ||= !fits;
    console.log(
      `  ${name} alone: ${kb(gzipped)} gzipped${fits ? "" : ` — OVER the ${kb(WIDGET_BUDGET_BYTES)} budget`}`,
    );
  }
  const all = await measure("all", `export * from ${JSON.stringify(src)};\n`);
  for (const chunk of all.chunks) {
    const bytes = readFileSync(join(all.outDir, chunk));
    console.log(`  loaded on demand: ${chunk} ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
  }
  const verdict = all.gzipped <= BUDGET_BYTES ? "within" : "OVER";
  console.log(`  each widget alone: within the ${kb(WIDGET_BUDGET_BYTES)} budget: ${over ? "no" : "yes"}`);
  console.log(
    `@roster/widgets JavaScript: ${kb(all.raw)} minified, ${kb(all.gzipped)} gzipped — ${verdict} the ${kb(BUDGET_BYTES)} budget`,
  );
  if (over || all.gzipped > BUDGET_BYTES) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
