import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";

/**
 * Shared settings: key/value configuration every member of the organization sees (the shared cloud
 * account, region, defaults…). A secret setting (a cloud credential) is sealed with AES-256-GCM
 * and is write-only through the API: readers learn that it is set, when and by whom — never the value.
 */
export interface SettingView {
  key: string;
  secret: boolean;
  /** The value of a plain setting; always null for a secret. */
  value: unknown;
  updatedAt: string;
  updatedBy: { id: string; name: string } | null;
}

const settingNotFound = (key: string) =>
  notFound("SETTING_NOT_FOUND", `There is no setting "${key}" in this organization.`);

function settingsQuery(deps: Deps, orgId: string) {
  return deps.db
    .selectFrom("org_settings as s")
    .leftJoin("users as u", "u.id", "s.updated_by")
    .select(["s.key", "s.secret", "s.value", "s.updated_at", "s.updated_by", "u.name as updated_by_name"])
    .where("s.org_id", "=", orgId);
}

type Row = Awaited<ReturnType<ReturnType<typeof settingsQuery>["execute"]>>[number];

function toView(r: Row): SettingView {
  return {
    key: r.key,
    secret: r.secret,
    // Selected for plain settings only; a secret's ciphertext is never selected for a reader.
    value: r.secret ? null : r.value,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by ? { id: r.updated_by, name: r.updated_by_name ?? "" } : null,
  };
}

export async function listSettings(deps: Deps, access: OrgAccess): Promise<SettingView[]> {
  const rows = await settingsQuery(deps, access.orgId).orderBy("s.key").execute();
  return rows.map(toView);
}

export async function getSetting(
  deps: Deps,
  access: OrgAccess,
  input: { key: string },
): Promise<SettingView> {
  const row = await settingsQuery(deps, access.orgId).where("s.key", "=", input.key).executeTakeFirst();
  if (!row) throw settingNotFound(input.key);
  return toView(row);
}

/** Sets a plain value, or (with `secret: true`) a secret string that is stored only sealed. */
export async function setSetting(
  deps: Deps,
  access: OrgAccess,
  input: { key: string } & ({ secret?: false | undefined; value: unknown } | { secret: true; value: string }),
): Promise<SettingView> {
  const now = deps.clock();
  const secret = input.secret === true;
  const columns = secret
    ? { secret: true, value: null, secret_sealed: deps.sealer.seal(input.value as string) }
    : { secret: false, value: JSON.stringify(input.value), secret_sealed: null };
  await runTransaction(deps, async (trx) => {
    const previous = await trx
      .insertInto("org_settings")
      .values({
        org_id: access.orgId,
        key: input.key,
        ...columns,
        created_at: now,
        updated_at: now,
        updated_by: access.actor.userId,
      })
      .onConflict((oc) =>
        oc
          .columns(["org_id", "key"])
          .doUpdateSet({ ...columns, updated_at: now, updated_by: access.actor.userId }),
      )
      .returning("created_at")
      .executeTakeFirstOrThrow();
    // Never the value: the audit log is readable by more people than the setting is writable by.
    await recordChange(trx, access, now, "setting.updated", ["setting", input.key], {
      secret,
      created: previous.created_at.getTime() === now.getTime(),
    });
  });
  return getSetting(deps, access, { key: input.key });
}

export async function deleteSetting(deps: Deps, access: OrgAccess, input: { key: string }): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .deleteFrom("org_settings")
      .where("org_id", "=", access.orgId)
      .where("key", "=", input.key)
      .returning("secret")
      .executeTakeFirst();
    if (!row) throw settingNotFound(input.key);
    await recordChange(trx, access, now, "setting.deleted", ["setting", input.key], { secret: row.secret });
  });
}

/**
 * A secret's value, for the host's own server code (for instance to call the cloud account with
 * the shared credentials). Not reachable through the API.
 */
export async function openSecretSetting(deps: Deps, orgId: string, key: string): Promise<string | null> {
  const row = await deps.db
    .selectFrom("org_settings")
    .select(["secret", "secret_sealed"])
    .where("org_id", "=", orgId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row?.secret || !row.secret_sealed) return null;
  return deps.sealer.open(row.secret_sealed);
}
