#!/usr/bin/env node
import { createServer } from "node:net";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

/** Whether something else already listens on the address (checked before the database opens). */
function addressTaken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

const portTakenMessage = (port: number, host: string) =>
  `Port ${port} on ${host} is already in use (is Roster already running?): stop what listens there or start with another PORT.`;

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (await addressTaken(config.port, config.host)) {
    console.error(portTakenMessage(config.port, config.host));
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({ config, logger });
  } catch (error) {
    // Taken meanwhile (between the check and the database opening).
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    console.error(portTakenMessage(config.port, config.host));
    process.exit(1);
  }
  logger.info("roster started", {
    url: running.url,
    publicUrl: config.publicUrl,
    database: running.database.kind,
    mail: config.smtpUrl ? "smtp" : "dev mailbox",
  });
  if (config.logLevel !== "silent") console.log(`Roster is running at ${config.publicUrl}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("roster stopping", { signal });
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    await running.close();
    logger.info("roster stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
