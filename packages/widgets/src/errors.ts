import type { Labels, WidgetErrorReason } from "./labels.js";

interface ErrorWithReason {
  message?: unknown;
  data?: { reason?: unknown; details?: Record<string, unknown> } | null;
}

/**
 * The stable reason of an error from Roster (`LAST_OWNER`, `SEAT_LIMIT`, …); `NETWORK` when the
 * request never got an answer; undefined for anything else.
 */
export function errorReason(error: unknown): WidgetErrorReason | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as ErrorWithReason & { name?: string; cause?: unknown };
  // The server answers only with reasons of the union; a newer server's reason has no sentence here.
  if (typeof e.data?.reason === "string") return e.data.reason as WidgetErrorReason;
  // A failed fetch reaches tRPC as a TRPCClientError without data, caused by a TypeError.
  if (e.name === "TRPCClientError" && !e.data && e.cause instanceof TypeError) return "NETWORK";
  return undefined;
}

/** Details the server attached to an error (e.g. which members own resources). */
export function errorDetails(error: unknown): Record<string, unknown> | undefined {
  return (error as ErrorWithReason | null)?.data?.details ?? undefined;
}

/** A sentence for a person: the host's or the default message for the reason, else the server's own. */
export function errorMessage(error: unknown, labels: Labels): string {
  const reason = errorReason(error);
  const known = reason ? labels.messages[reason] : undefined;
  if (known) return known;
  const message = (error as ErrorWithReason | null)?.message;
  return typeof message === "string" && message ? message : labels.messages.INTERNAL;
}

/**
 * The form field a refused change belongs to: the one a reason names (`SLUG_TAKEN` → `slug`), else
 * the field of the server's first validation issue.
 */
export function errorField(
  error: unknown,
  byReason: Partial<Record<string, string>> = {},
): string | undefined {
  const reason = errorReason(error);
  if (reason && byReason[reason]) return byReason[reason];
  const issues = (error as { data?: { issues?: { path: string[] }[] } } | null)?.data?.issues;
  return reason === "VALIDATION" ? issues?.[0]?.path[0] : undefined;
}
