#!/usr/bin/env node
// What reading one result row costs `pg` in this process, without a database: a RowDescription of
// N columns (`addFields`, run for every result) and one DataRow (`parseRow`), the way the session
// check's row arrives. Columns cycle through text, timestamptz, boolean and integer.
// Usage: node bench/row-parse.mjs [columns…]   (default: 34 25 13)
// Prints one JSON line per column count: microseconds per result, best of three rounds.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Result = require(require.resolve("pg/lib/result.js"));

const TYPES = [
  [25, "some text"],
  [1184, "2026-12-01 09:00:00.123+00"],
  [16, "t"],
  [23, "42"],
];
const rounds = 3;
const results = Number(process.env.ROW_PARSE_RESULTS ?? 200_000);

for (const columns of (process.argv.length > 2 ? process.argv.slice(2) : ["34", "25", "13"]).map(Number)) {
  const fields = () =>
    Array.from({ length: columns }, (_, i) => ({
      name: `column_${i}`,
      tableID: 1,
      columnID: i,
      dataTypeID: TYPES[i % TYPES.length][0],
      dataTypeSize: -1,
      dataTypeModifier: -1,
      format: "text",
    }));
  const row = Array.from({ length: columns }, (_, i) => TYPES[i % TYPES.length][1]);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < results; i++) {
      const result = new Result();
      result.addFields(fields());
      result.parseRow(row);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / results / 1000);
  }
  console.log(JSON.stringify({ columns, microsecondsPerResult: Math.round(best * 100) / 100 }));
}
