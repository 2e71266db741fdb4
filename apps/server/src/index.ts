export { type Clock, systemClock } from "./clock.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export type { PublicUser } from "./domain/accounts.js";
export type { SessionSummary } from "./domain/profile.js";
/** For a host's own server code: the value of a secret setting (never exposed through the API). */
export { openSecretSetting } from "./domain/settings.js";
export { RosterError, type RosterErrorReason } from "./errors.js";
export { createLogger, type Logger } from "./logger.js";
export { type AppRouter, appRouter } from "./routers/index.js";
export { createRoster, type Roster, type RosterOptions, type RunningServer, startServer } from "./server.js";

import { loadConfig } from "./config.js";
import { createRoster, type RosterOptions } from "./server.js";

/**
 * Mount Roster inside your own Node server:
 *   const roster = await createRosterHandler();
 *   http.createServer((req, res) => req.url?.startsWith("/trpc") ? roster.handler(req, res) : yours(req, res));
 */
export async function createRosterHandler(options: Partial<RosterOptions> = {}) {
  const roster = await createRoster({ ...options, config: options.config ?? loadConfig() });
  return { handler: roster.listener, close: roster.close, roster };
}
