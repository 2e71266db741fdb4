import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// `pnpm dev`: Vite with hot reload; API calls go to the Roster server (ROSTER_API, default :3000).
const api = process.env.ROSTER_API ?? "http://localhost:3000";

/**
 * Writes `file.br` and `file.gz` next to every compressible file of the build, once, at the
 * highest levels: the server picks one by the request's Accept-Encoding and compresses nothing
 * per request.
 */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "roster:precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const files = readdirSync(outDir, { recursive: true, encoding: "utf8" });
      for (const name of files) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const path = join(outDir, name);
        const data = readFileSync(path);
        if (!statSync(path).isFile() || data.length < 512) continue;
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  server: { port: 5173, proxy: { "/trpc": api, "/healthz": api } },
  build: { outDir: "dist", sourcemap: true },
});
