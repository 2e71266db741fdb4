import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm dev`: Vite with hot reload; API calls go to the Roster server (ROSTER_API, default :3000).
const api = process.env.ROSTER_API ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { "/trpc": api, "/healthz": api } },
  build: { outDir: "dist", sourcemap: true },
});
