// `pnpm start`: builds the server and the web app, then runs the server in its place. Signals sent
// to `pnpm start` reach whichever step runs, so stopping it stops the server and frees the port.
import { spawn } from "node:child_process";
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

const built = await run(
  "turbo",
  ["run", "build", "--filter=@roster/server...", "--filter=@roster/web..."],
  root,
);
if (built !== 0 || stopping) process.exit(built || 143);
// Same working folder as before, so the embedded database stays in apps/server/.roster.
process.exit(await run(process.execPath, ["dist/main.js", ...process.argv.slice(2)], server));
