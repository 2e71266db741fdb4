import { fileURLToPath } from "node:url";
import { createHostKeyWithCli, startHostBackend } from "./backend.js";

// The example host, run by hand: `ROSTER_HOST_KEY=rhk_… pnpm --filter @roster/example-host start`.
// Roster must list this page's origin in ALLOWED_ORIGINS (default http://localhost:5174).
const rosterUrl = process.env.ROSTER_URL ?? "http://localhost:3000";
const port = Number(process.env.PORT ?? 5174);

let hostKey = process.env.ROSTER_HOST_KEY;
if (!hostKey) {
  if (!process.env.DATABASE_URL) {
    console.error(
      'Set ROSTER_HOST_KEY (make one with: pnpm --filter @roster/server host-keys create "Example host"), ' +
        "or DATABASE_URL of Roster's Postgres to have one made for this demo.",
    );
    process.exit(2);
  }
  hostKey = await createHostKeyWithCli(process.env.DATABASE_URL);
  console.log("Made a host API key for this demo with `roster host-keys create`.");
}

const backend = await startHostBackend({
  rosterUrl,
  hostKey,
  port,
  host: "localhost",
  webDir: fileURLToPath(new URL("../web", import.meta.url)),
  // The demo has one signed-in user; a real host takes them from its own session.
  currentUser: () => ({
    externalUserId: process.env.DEMO_USER_ID ?? "demo-user",
    email: process.env.DEMO_USER_EMAIL ?? "demo.user@example-host.test",
    name: process.env.DEMO_USER_NAME ?? "Demo User",
  }),
});
console.log(`Example host on ${backend.url} (Roster at ${rosterUrl})`);
