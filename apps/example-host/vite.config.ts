import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The page of the host product; its backend (src/server) serves the built files.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist/web", emptyOutDir: true },
});
