import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** Everything a host already has (or installs next to the widgets) stays outside the bundle. */
export const externals = [
  "react",
  "react-dom",
  "react/jsx-runtime",
  "@tanstack/react-query",
  /^@trpc\//,
  "@roster/sdk",
];

const stylesheet = fileURLToPath(new URL("src/styles.css", import.meta.url));

/** The stylesheet ships as it is written: `@roster/widgets/styles.css`, imported by the host once. */
function copyStylesheet(): Plugin {
  return {
    name: "roster-stylesheet",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "styles.css", source: readFileSync(stylesheet, "utf8") });
    },
  };
}

export default defineConfig({
  plugins: [react(), copyStylesheet()],
  build: {
    lib: {
      entry: fileURLToPath(new URL("src/index.ts", import.meta.url)),
      formats: ["es"],
      fileName: () => "index.js",
    },
    rolldownOptions: { external: externals },
    sourcemap: true,
    emptyOutDir: true,
  },
});
