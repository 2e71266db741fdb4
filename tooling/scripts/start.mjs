// `pnpm start`: builds the server and the web app, then runs the server in its place. Signals sent
// to `pnpm start` reach whichever step runs, so stopping it stops the server and frees the port.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const server = fileURLToPath(new URL("../../apps/server/", import.meta.url));

let current = null;
let stopping = null;
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => {
    stopping ??= signal;
    current?.kill(signal);
  });
}

/** Runs one step to its end; resolves with its exit code (128 + n for a signal, as a shell does). */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    current = spawn(command, args, { cwd, stdio: "inherit" });
    current.once("error", (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(1);
    });
    current.once("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 143)));
  });
}

// A taken port is said at once, in one sentence, not after the build and the database have started.
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";
if (Number.isInteger(port) && port > 0) {
  const taken = await new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error) => resolve(error.code === "EADDRINUSE"));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
  if (taken) {
    console.error(
      `Port ${port} on ${host} is already in use (is Roster already running?): stop what listens there or start with another PORT, e.g. PORT=${port + 1} pnpm start.`,
    );
    process.exit(1);
  }
}

const built = await run(
  "turbo",
  ["run", "build", "--filter=@roster/server...", "--filter=@roster/web..."],
  root,
);
if (built !== 0 || stopping) process.exit(built || 143);
// Same working folder as before, so the embedded database stays in apps/server/.roster.
// With the Node.js options the server is measured with (apps/server/src/node-flags.ts).
const { NODE_FLAGS } = await import(new URL("../../apps/server/dist/node-flags.js", import.meta.url).href);
process.exit(await run(process.execPath, [...NODE_FLAGS, "dist/main.js", ...process.argv.slice(2)], server));
