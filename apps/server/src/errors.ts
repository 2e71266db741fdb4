import type { RosterErrorReason, RosterErrorReasonWithStatus } from "@roster/reasons";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

export type { RosterErrorReason };

/**
 * The error every rule in Roster throws. `reason` is stable and machine-readable (clients branch on
 * it); `message` is a sentence for a person: what happened and what to do.
 */
export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

export class RosterError extends Error {
  override readonly name = "RosterError";
  constructor(
    readonly code: ErrorCode,
    readonly reason: RosterErrorReason,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

// Each helper takes only the reasons listed with its status in @roster/reasons, so a misspelt or
// unlisted reason, or one thrown with another status than README says, fails to compile.
type Details = Record<string, unknown>;
export const badRequest = (reason: RosterErrorReasonWithStatus<400>, message: string, details?: Details) =>
  new RosterError("BAD_REQUEST", reason, message, details);
export const conflict = (reason: RosterErrorReasonWithStatus<409>, message: string, details?: Details) =>
  new RosterError("CONFLICT", reason, message, details);
export const forbidden = (reason: RosterErrorReasonWithStatus<403>, message: string, details?: Details) =>
  new RosterError("FORBIDDEN", reason, message, details);
export const notFound = (reason: RosterErrorReasonWithStatus<404>, message: string) =>
  new RosterError("NOT_FOUND", reason, message);
export const unauthorized = (reason: RosterErrorReasonWithStatus<401>, message: string) =>
  new RosterError("UNAUTHORIZED", reason, message);
export const tooManyRequests = (
  reason: RosterErrorReasonWithStatus<429>,
  message: string,
  details?: Details,
) => new RosterError("TOO_MANY_REQUESTS", reason, message, details);

/** The reason a tRPC error carries when no rule named a more specific one (else `INTERNAL`). */
export const reasonForCode: Partial<Record<TRPC_ERROR_CODE_KEY, RosterErrorReason>> = {
  BAD_REQUEST: "BAD_REQUEST",
  PARSE_ERROR: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_SUPPORTED",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  INTERNAL_SERVER_ERROR: "INTERNAL",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** The database could not be reached or the connection broke mid-request; nothing was committed by it. */
export const databaseUnavailable = () =>
  new RosterError(
    "SERVICE_UNAVAILABLE",
    "DATABASE_UNAVAILABLE",
    "The database is not reachable right now. Try again in a moment.",
  );

/** Postgres unique violation (SQLSTATE 23505), optionally on one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

/**
 * Postgres data exceptions input can cause (SQLSTATE class 22: 22P02 invalid text representation,
 * 22021 bad encoding, 22008 datetime out of range, 22003 numeric out of range, 22P05 untranslatable
 * character, …). Schemas are meant to stop such input first.
 */
export function isPostgresDataError(error: unknown): error is { code: string } {
  const e = error as { code?: unknown; severity?: unknown } | null;
  return typeof e?.code === "string" && /^22[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === "string";
}

export const dataErrorMessage =
  "Part of this request is not a value Roster can store. Check the values you sent.";
export const dataErrorMessages: Record<string, string> = {
  "22P02":
    "Part of this request is not in the expected format, such as an id or a number. Check the values you sent.",
  "22008": "A date in this request is out of range. Use a date between the years 1 and 9999.",
  "22003": "A number in this request is out of range. Check the values you sent.",
  "22021": "Part of this request is not valid text. Remove NUL characters and broken Unicode.",
  "22P05": "Part of this request is not valid text. Remove NUL characters and broken Unicode.",
};
