#!/usr/bin/env node
import { createDb } from "./create-db.js";
import { migrateDown, migrateToLatest, migrateToNothing } from "./migrate.js";

const usage = "Usage: roster-db migrate [latest|down|reset]   (DATABASE_URL, or ROSTER_DATA_DIR for PGlite)";

async function main(argv: string[]): Promise<number> {
  const [command, direction = "latest"] = argv;
  if (command !== "migrate" || !["latest", "down", "reset"].includes(direction)) {
    console.error(usage);
    return 2;
  }
  const roster = await createDb({ url: process.env.DATABASE_URL, dataDir: process.env.ROSTER_DATA_DIR });
  try {
    const run =
      direction === "down" ? migrateDown : direction === "reset" ? migrateToNothing : migrateToLatest;
    const names = await run(roster.db);
    const verb = direction === "latest" ? "applied" : "reverted";
    console.log(names.length ? `${verb}: ${names.join(", ")}` : `nothing to do (${roster.kind})`);
    return 0;
  } finally {
    await roster.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
