import { z } from "zod";
import { badRequest } from "../errors.js";

/**
 * Page cursors are opaque to callers, so anything can come back in one: each is checked in full
 * here, and a bad one answers INVALID_CURSOR rather than reaching the database.
 */
const invalidCursor = () =>
  badRequest("INVALID_CURSOR", "This page cursor is not valid. Start again from the first page.");

/** Keyset cursor over (created_at, id): base64url of `["<ISO date>", "<uuid>"]`. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

const uuid = z.uuid();
/** Rows are created in this span; outside it a date is forged, and Postgres may not hold it. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [at, id] = parsed as unknown[];
  if (typeof at !== "string" || typeof id !== "string" || !uuid.safeParse(id).success) throw invalidCursor();
  const createdAt = new Date(at);
  const time = createdAt.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST) throw invalidCursor();
  return { createdAt, id };
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** Cursor over a bigint id (audit events, webhook deliveries): the id as decimal digits, in int8 range. */
export function decodeIdCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === "") return null;
  if (!/^[1-9][0-9]{0,18}$/.test(cursor) || BigInt(cursor) > MAX_BIGINT) throw invalidCursor();
  return cursor;
}

/**
 * One page from a query that read `limit + 1` rows, newest first: the extra row only says that a
 * next page exists, whose cursor is the last row kept.
 */
export function keysetPage<Row extends { created_at: Date | string; id: string }>(
  rows: Row[],
  limit: number,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}

/** Like `keysetPage`, for rows paged by a bigint id (`decodeIdCursor`). */
export function idPage<Row extends { id: string }>(
  rows: Row[],
  limit: number,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}
