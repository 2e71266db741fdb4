// Size budget: builds every widget into one minified ES module (the libraries a host already has
// stay external) and fails when its gzipped JavaScript is over the budget.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { build } from "vite";

const BUDGET_BYTES = 20 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "roster-widgets-size-"));

try {
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
      lib: { entry: join(root, "src/index.ts"), formats: ["es"], fileName: () => "widgets.js" },
      rolldownOptions: {
        external: ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query", /^@trpc\//],
        // Library mode keeps whitespace in ES output; a host's bundler minifies it fully, so measure that.
        output: { minify: true },
      },
    },
  });
  // The widgets are one module; each label set but English is a chunk loaded only when chosen.
  const kb = (n) => `${(n / 1024).toFixed(2)} kB`;
  const chunks = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".js") && f !== "widgets.js",
  );
  for (const chunk of chunks) {
    const bytes = readFileSync(join(outDir, chunk));
    console.log(`  loaded on demand: ${chunk} ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
  }
  const entry = readFileSync(join(outDir, "widgets.js"));
  const raw = entry.length;
  const gzipped = gzipSync(entry, { level: 9 }).length;
  const verdict = gzipped <= BUDGET_BYTES ? "within" : "OVER";
  console.log(
    `@roster/widgets JavaScript: ${kb(raw)} minified, ${kb(gzipped)} gzipped — ${verdict} the ${kb(BUDGET_BYTES)} budget`,
  );
  if (gzipped > BUDGET_BYTES) process.exitCode = 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
