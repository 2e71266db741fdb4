import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";
import { parseTimestamptz } from "../src/timestamps.js";

const pgParse = pg.types.getTypeParser(1184, "text") as (text: string) => unknown;
const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? Object.is(a.getTime(), b.getTime()) : Object.is(a, b);

/** `date` as Postgres writes a timestamptz in UTC, with `fraction` digits of its seconds. */
function written(date: Date, fraction: string): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ""}+00`;
}

describe("timestamptz", () => {
  it("reads every form as pg's own parser does", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const texts: string[] = [
      "2026-12-01 16:15:19+00",
      "2026-12-01 16:15:19.029+00",
      "2026-12-01 16:15:19.5+00",
      "2026-12-01 16:15:19.999999+00",
      "2026-02-28 23:59:59.000001+00",
      "1000-01-01 00:00:00+00",
      "9999-12-31 23:59:59.999999+00",
      "0050-06-01 12:00:00+00",
      "0999-06-01 12:00:00+00",
      "2026-12-01 17:15:19.123+01",
      "2026-12-01 11:45:19-05:30",
      "2026-12-01 16:15:19+00 BC",
      "0044-03-15 12:00:00+00 BC",
      "infinity",
      "-infinity",
      "12026-12-01 16:15:19+00",
      "2026-12-01",
    ];
    for (let i = 0; i < 5000; i++) {
      const date = new Date(
        Date.UTC(1000, 0, 1) + random() * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1)),
      );
      const fraction = String(Math.floor(random() * 1_000_000))
        .padStart(6, "0")
        .slice(0, Math.floor(random() * 7));
      texts.push(written(date, fraction));
    }
    const differing = texts.filter((text) => !same(parseTimestamptz(text), pgParse(text)));
    expect(differing).toEqual([]);
  });

  describe("from the database", () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await createTestDatabase();
    });
    afterAll(() => test.drop());

    it("gives each value as pg's parser gives it from the same text, in UTC and in another time zone", async () => {
      for (const zone of ["UTC", "Asia/Kolkata"]) {
        const rows = await test.db.connection().execute(async (db) => {
          await sql`set time zone ${sql.lit(zone)}`.execute(db);
          const { rows } = await sql<{ at: Date; text: string }>`
            select at, at::text as text from (
              select timestamptz '2026-12-01 16:15:19.029+00' + (k * interval '1 second 7 milliseconds 3 microseconds') as at
              from generate_series(0, 999) as k
              union all select 'infinity'::timestamptz union all select '0044-03-15 12:00:00+00 BC'::timestamptz
            ) t`.execute(db);
          await sql`reset time zone`.execute(db);
          return rows;
        });
        expect(rows).toHaveLength(1002);
        expect(rows.filter((row) => !same(row.at, pgParse(row.text)))).toEqual([]);
      }
    });
  });
});
