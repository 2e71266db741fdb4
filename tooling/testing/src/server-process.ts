import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./ports.js";
import { captureOutput, waitForExit } from "./processes.js";
import { pgliteColdStartTimeout } from "./vitest.js";

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything it has written so far. */
  output: ReturnType<typeof captureOutput>;
  /** Its exit code or signal, once it has exited. */
  exited: ReturnType<typeof waitForExit>;
}

/**
 * Starts Roster as a separate process (`command args`: node on the build, or `pnpm start`) the way
 * a person does on a fresh machine: on a free port of 127.0.0.1, on the embedded database in
 * `dataDir`, with no DATABASE_URL or SECRET_KEY inherited from the test run. Resolves once it says
 * it is running.
 */
export async function startServerProcess(
  command: string,
  args: string[],
  options: { dataDir: string; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    ROSTER_DATA_DIR: options.dataDir,
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.SECRET_KEY;
  const child = spawn(command, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = waitForExit(child);
  const output = captureOutput(child);
  await output.waitFor(`Roster is running at http://127.0.0.1:${port}`, pgliteColdStartTimeout);
  return { child, port, output, exited };
}
