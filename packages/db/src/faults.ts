/**
 * Telling "the database went away" apart from "the query was wrong": the first is worth a 503
 * and a retry, the second is a bug or a rule. Covers pg (TCP) and PGlite (in-process) failures.
 */

const lost = Symbol.for("roster.db.connectionLost");

/** Marks an error a connection emitted, so the query that failed with it is known to be a lost connection. */
export function markConnectionLost(error: unknown): void {
  if (error && typeof error === "object") (error as Record<symbol, unknown>)[lost] = true;
}

// SQLSTATE class 08 (connection exception), 57P01–57P03 (server shutting down or starting),
// 53300 (too many connections).
const unavailableSqlStates = /^(08...|57P0[1-3]|53300)$/;
const unavailableSystemCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ECONNABORTED",
]);
// pg reports a lost or refused connection with plain Errors that carry no code.
const unavailableMessages =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Connection terminated due to connection timeout|PGlite is closed/i;

/** True when `error` means the database could not be reached or the connection was lost. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if ((e as Record<symbol, unknown>)[lost]) return true;
  if (typeof e.code === "string" && (unavailableSqlStates.test(e.code) || unavailableSystemCodes.has(e.code)))
    return true;
  if (typeof e.message === "string" && unavailableMessages.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1)))
    return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
