#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createDb, migrateToLatest } from "@roster/db";
import { createHostApiKey, listHostApiKeys, revokeHostApiKey } from "./auth/host-keys.js";
import { ConfigError, loadConfig } from "./config.js";
import { getHostLinks, type HostLinksUpdate, updateHostLinks } from "./domain/host-links.js";
import { RosterError } from "./errors.js";

const usage = `Usage:
  roster host-keys create <name>   create a host API key (shown once) for a product's backend
  roster host-keys list            list host API keys
  roster host-keys revoke <id>     revoke a host API key at once (its embed tokens end too)
  roster host-keys urls <id> [--accept-invitation-url <url with {token}>]
      [--reset-password-url <url with {token}>] [--verify-email-url <url with {token}>]
      [--redirect-url <url or prefix*> ...]
                                   show, or set, where the host's emailed links land ("none" clears
                                   a URL; --redirect-url replaces the list, given once per URL)
Uses DATABASE_URL, or the embedded database in ROSTER_DATA_DIR.`;

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  if (area !== "host-keys" || !["create", "list", "revoke", "urls"].includes(command ?? "")) {
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
    } else if (command === "urls") {
      return await hostUrls(database.db, config.production, rest);
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

async function hostUrls(db: Parameters<typeof getHostLinks>[0], production: boolean, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      "accept-invitation-url": { type: "string" },
      "reset-password-url": { type: "string" },
      "verify-email-url": { type: "string" },
      "redirect-url": { type: "string", multiple: true },
    },
  });
  const id = positionals[0] ?? "";
  const exists = await db.selectFrom("host_api_keys").select("id").where("id", "=", id).executeTakeFirst();
  if (!exists) {
    console.error(`No host API key with id "${id}".`);
    return 1;
  }
  const cleared = (v: string | undefined) => (v === "none" ? null : v);
  const update: HostLinksUpdate = {
    acceptInvitationUrl: cleared(values["accept-invitation-url"]),
    resetPasswordUrl: cleared(values["reset-password-url"]),
    verifyEmailUrl: cleared(values["verify-email-url"]),
    redirectUrls: values["redirect-url"],
  };
  try {
    const links = Object.values(update).some((v) => v !== undefined)
      ? await updateHostLinks(db, production, id, update)
      : await getHostLinks(db, id);
    console.log(`accept invitation\t${links.acceptInvitationUrl ?? "(Roster's page)"}`);
    console.log(`reset password\t${links.resetPasswordUrl ?? "(Roster's page)"}`);
    console.log(`verify email\t${links.verifyEmailUrl ?? "(Roster's page)"}`);
    console.log(`redirect URLs\t${links.redirectUrls.join(" ") || "(none)"}`);
    return 0;
  } catch (error) {
    if (error instanceof RosterError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
