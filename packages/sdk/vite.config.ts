import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The SDK's JavaScript: one ES module with `@roster/reasons` and `@roster/events` bundled in, so
 * that a host installs `@roster/sdk` alone. tRPC and zod (the event schemas) stay external
 * dependencies (and the server package a peer).
 */
export default defineConfig({
  build: {
    lib: {
      entry: fileURLToPath(new URL("src/index.ts", import.meta.url)),
      formats: ["es"],
      fileName: () => "index.js",
    },
    rolldownOptions: { external: [/^@trpc\//, /^zod(\/|$)/] },
    target: "es2022",
    sourcemap: true,
    emptyOutDir: true,
    minify: false,
  },
});
