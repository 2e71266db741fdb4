// The SDK's type declarations in one self-contained file. A host installs @roster/sdk from a
// tarball, without the private server package, so the router's types (and the reasons) are copied
// in; only tRPC's own packages and zod (the event schemas' types) stay imported.
import { dts } from "rollup-plugin-dts";
import ts from "typescript";

const BUNDLED = ["@roster/server", "@roster/db", "@roster/reasons", "@roster/events"];
const ALLOWED_IMPORTS = new Set(["@trpc/server", "@trpc/client", "zod"]);

/**
 * A client never sees the server's request context (database, configuration, mailer): the
 * published router is typed with `ctx: object`, so none of the server's dependencies' types follow.
 */
const publicContext = {
  name: "roster-public-context",
  transform(code, id) {
    if (!/[\\/]apps[\\/]server[\\/]dist[\\/]routers[\\/]/.test(id)) return null;
    return code.replaceAll('ctx: import("../trpc.js").Context;', "ctx: object;");
  },
};

/** Fails the build when the bundle still imports anything a host would not have installed. */
const onlyPublicImports = {
  name: "roster-only-public-imports",
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== "chunk") continue;
      const imports = [...chunk.code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      const foreign = imports.filter((name) => !ALLOWED_IMPORTS.has(name) && !name.startsWith("./"));
      if (foreign.length > 0) {
        this.error(
          `The SDK's declarations would import ${[...new Set(foreign)].join(", ")}; only tRPC and zod may stay external.`,
        );
      }
    }
  },
};

export default {
  input: { index: "build/types/index.d.ts", events: "build/types/event-schemas.d.ts" },
  output: { dir: "dist", format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "[name]-[hash].d.ts" },
  plugins: [
    publicContext,
    dts({
      compilerOptions: {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
      },
      includeExternal: BUNDLED,
    }),
    onlyPublicImports,
  ],
  onwarn(warning, warn) {
    // The server's entry also declares its HTTP server (node:http …); none of it reaches the bundle.
    if (warning.code === "UNRESOLVED_IMPORT") return;
    // One output file: a re-export between two inlined server modules cannot split it.
    if (warning.code === "CYCLIC_CROSS_CHUNK_REEXPORT") return;
    warn(warning);
  },
};
