import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The SDK's JavaScript: `index.js` (the client) and `events.js` (the event schemas, at
 * `@roster/sdk/events`), with `@roster/reasons` and `@roster/events` bundled in, so that a host
 * installs `@roster/sdk` alone. tRPC and zod (the event schemas) stay external dependencies (and
 * the server package a peer).
 */
export default defineConfig({
  build: {
    lib: {
      entry: {
        index: fileURLToPath(new URL("src/index.ts", import.meta.url)),
        events: fileURLToPath(new URL("src/event-schemas.ts", import.meta.url)),
      },
      formats: ["es"],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { external: [/^@trpc\//, /^zod(\/|$)/] },
    target: "es2022",
    sourcemap: true,
    emptyOutDir: true,
    minify: false,
  },
});
