#!/usr/bin/env node
import { createDb, migrateToLatest } from "@roster/db";
import { createHostApiKey, listHostApiKeys, revokeHostApiKey } from "./auth/host-keys.js";
import { ConfigError, loadConfig } from "./config.js";

const usage = `Usage:
  roster host-keys create <name>   create a host API key (shown once) for a product's backend
  roster host-keys list            list host API keys
  roster host-keys revoke <id>     revoke a host API key at once
Uses DATABASE_URL, or the embedded database in ROSTER_DATA_DIR.`;

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  if (area !== "host-keys" || !["create", "list", "revoke"].includes(command ?? "")) {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const database = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    const now = new Date();
    if (command === "create") {
      const name = rest.join(" ").trim();
      if (!name) {
        console.error('Give the key a name, e.g. roster host-keys create "Acme backend".');
        return 2;
      }
      const key = await createHostApiKey(database.db, name, now);
      console.log(
        `Created host API key ${key.id} (${key.name}). Store it now; it is not shown again:\n${key.key}`,
      );
    } else if (command === "list") {
      for (const k of await listHostApiKeys(database.db)) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : "active";
        const used = k.last_used_at ? k.last_used_at.toISOString() : "never";
        console.log(`${k.id}\t${k.name}\t${state}\tlast used ${used}`);
      }
    } else {
      const id = rest[0] ?? "";
      if (!(await revokeHostApiKey(database.db, id, now))) {
        console.error(`No active host API key with id "${id}".`);
        return 1;
      }
      console.log(`Revoked host API key ${id}.`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
