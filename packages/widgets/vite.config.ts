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
      // The label sets are entries of their own: `@roster/widgets/locales/de`, and chunks that
      // `locale="de"` loads on demand, so none of them weighs on a page that does not show it.
      entry: {
        index: fileURLToPath(new URL("src/index.ts", import.meta.url)),
        ...Object.fromEntries(
          ["de", "fr", "es", "ja"].map((code) => [
            `locales/${code}`,
            fileURLToPath(new URL(`src/locales/${code}.ts`, import.meta.url)),
          ]),
        ),
      },
      formats: ["es"],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { external: externals },
    sourcemap: true,
    emptyOutDir: true,
  },
});
