import pg from "pg";

const TIMESTAMPTZ = 1184;
const parseWithPg = pg.types.getTypeParser(TIMESTAMPTZ, "text") as (text: string) => unknown;

/** The number written by the `width` digits at `from`, or -1 if one of them is not a digit. */
function digits(text: string, from: number, width: number): number {
  let value = 0;
  for (let i = from; i < from + width; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A `timestamptz` as Postgres writes it to a session in UTC with the ISO date style
 * (`2026-12-01 16:15:19.123456+00`), read without pg's regular expressions; any other form
 * (another time zone, BC, infinity, a year before 1000) goes to pg's own parser. The result is
 * the one pg's parser gives, to the millisecond (test/timestamps.test.ts): the fraction is
 * converted the same way.
 */
export function parseTimestamptz(text: string): unknown {
  const n = text.length;
  const fractional = n > 22;
  if (
    n < 22 ||
    n > 29 ||
    text.charCodeAt(n - 3) !== 43 || // +
    text.charCodeAt(n - 2) !== 48 ||
    text.charCodeAt(n - 1) !== 48 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    (fractional && (n < 24 || text.charCodeAt(19) !== 46))
  ) {
    return parseWithPg(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const fraction = fractional ? digits(text, 20, n - 23) : 0;
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) {
    return parseWithPg(text);
  }
  // As pg's parser computes it (1000 × the fraction as a float), so both agree on every value.
  const ms = fractional ? 1000 * Number.parseFloat(text.slice(19, n - 3)) : 0;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

/** pg's type parsers, with `parseTimestamptz` for timestamptz in text form. */
export const rosterTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMPTZ && format !== "binary") return parseTimestamptz;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;
