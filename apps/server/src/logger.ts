export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written (so that callers can skip building it). */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
  child(bindings: Record<string, unknown>): Logger;
}

/** One JSON object per line on stdout: easy to grep locally and to ship to any log store. */
export function createLogger(
  level: LogLevel = "info",
  bindings: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (at: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: at,
      msg,
      ...bindings,
      ...fields,
    };
    if (entry.error instanceof Error) {
      const e = entry.error;
      entry.error = { name: e.name, message: e.message, stack: e.stack };
    }
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    enabled: (at) => rank[at] >= rank[level],
    child: (more) => createLogger(level, { ...bindings, ...more }, write),
  };
}

/** What the access log records of one request. */
export interface RequestLine {
  requestId: string;
  method: string | undefined;
  path: string | undefined;
  status: number;
  ms: number;
}

/**
 * The access log: every request at `debug`; at `info` only those that failed on the server's side
 * (5xx) or took at least `slowMs`. A line per successful request would cost each request a JSON
 * line and a synchronous write to stdout — a large share of a fast request's own work — and bury
 * the lines worth reading; a reverse proxy or load balancer in front keeps the full access log.
 */
export function logRequest(logger: Logger, line: RequestLine, slowMs: number): void {
  const notable = line.status >= 500 || line.ms >= slowMs;
  if (!logger.enabled(notable ? "info" : "debug")) return;
  const fields = { ...line, ms: Math.round(line.ms * 10) / 10 };
  if (notable) logger.info("request", fields);
  else logger.debug("request", fields);
}
