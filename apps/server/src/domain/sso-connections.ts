import type { Database, SsoConnection } from "@roster/db";
import type { Kysely } from "kysely";
import { discover } from "../auth/sso-oidc.js";
import { normalizeCertificate } from "../auth/sso-saml.js";
import type { Deps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { resolveGrantableRole } from "./roles.js";

/**
 * An organization's identity provider: one connection, OIDC or SAML 2.0, that people on the
 * organization's verified domains sign in through (sso-sign-in.ts). Admins with `domains:manage`
 * set it up from the values `serviceProvider` gives them to paste into the provider.
 */

export interface ServiceProviderValues {
  /** OIDC: the redirect URI to register with the provider. */
  redirectUri: string;
  /** SAML: the Assertion Consumer Service URL, the entity ID (audience) and the metadata URL. */
  acsUrl: string;
  entityId: string;
  metadataUrl: string;
}

export function serviceProvider(deps: Deps, orgId: string): ServiceProviderValues {
  const base = deps.config.publicUrl;
  return {
    redirectUri: `${base}/sso/oidc/callback`,
    acsUrl: `${base}/sso/saml/${orgId}/acs`,
    entityId: `${base}/sso/saml/${orgId}/metadata`,
    metadataUrl: `${base}/sso/saml/${orgId}/metadata`,
  };
}

export interface SsoConnectionView {
  id: string;
  protocol: "oidc" | "saml";
  enforced: boolean;
  defaultRole: string;
  oidc: { issuer: string; clientId: string; clientSecretSet: boolean } | null;
  saml: { entityId: string; ssoUrl: string; certificate: string } | null;
  createdAt: string;
  updatedAt: string;
}

function toView(c: SsoConnection): SsoConnectionView {
  return {
    id: c.id,
    protocol: c.protocol,
    enforced: c.enforced,
    defaultRole: c.default_role,
    oidc:
      c.protocol === "oidc" && c.oidc_issuer && c.oidc_client_id
        ? {
            issuer: c.oidc_issuer,
            clientId: c.oidc_client_id,
            clientSecretSet: c.oidc_client_secret_sealed !== null,
          }
        : null,
    saml:
      c.protocol === "saml" && c.saml_idp_entity_id && c.saml_idp_sso_url && c.saml_idp_certificate
        ? { entityId: c.saml_idp_entity_id, ssoUrl: c.saml_idp_sso_url, certificate: c.saml_idp_certificate }
        : null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

/** What events and the audit log say about a connection (never its secret). */
export const connectionSummary = (c: Pick<SsoConnection, "id" | "protocol" | "enforced">) => ({
  id: c.id,
  protocol: c.protocol,
  enforced: c.enforced,
});

export const connectionNotFound = () =>
  notFound(
    "SSO_CONNECTION_NOT_FOUND",
    "This organization has no single sign-on connection. Set one up first.",
  );

export function findConnection(db: Kysely<Database>, orgId: string): Promise<SsoConnection | undefined> {
  return db.selectFrom("sso_connections").selectAll().where("org_id", "=", orgId).executeTakeFirst();
}

export async function getSsoSettings(
  deps: Deps,
  access: OrgAccess,
): Promise<{ connection: SsoConnectionView | null; serviceProvider: ServiceProviderValues }> {
  const row = await findConnection(deps.db, access.orgId);
  return { connection: row ? toView(row) : null, serviceProvider: serviceProvider(deps, access.orgId) };
}

export type ConnectionInput =
  | {
      protocol: "oidc";
      issuer: string;
      clientId: string;
      clientSecret?: string | undefined;
      defaultRole: string;
    }
  | { protocol: "saml"; entityId: string; ssoUrl: string; certificate: string; defaultRole: string };

function assertUrl(deps: Deps, value: string, what: string): void {
  const url = new URL(value);
  if (deps.config.production && url.protocol !== "https:") {
    throw badRequest("INVALID_SSO_SETTINGS", `The ${what} must be an https:// URL.`);
  }
}

/** The provider's columns for `input` (the other protocol's are cleared). */
async function settingsFor(deps: Deps, input: ConnectionInput, existing: SsoConnection | undefined) {
  if (input.protocol === "oidc") {
    assertUrl(deps, input.issuer, "issuer");
    const keptSecret = existing?.protocol === "oidc" ? existing.oidc_client_secret_sealed : null;
    const secret = input.clientSecret ?? (keptSecret ? deps.sealer.open(keptSecret) : null);
    // The provider must answer its discovery document before the connection is saved.
    await discover({
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecret: secret,
      allowHttp: !deps.config.production,
    });
    return {
      oidc_issuer: input.issuer,
      oidc_client_id: input.clientId,
      oidc_client_secret_sealed: input.clientSecret ? deps.sealer.seal(input.clientSecret) : keptSecret,
      saml_idp_entity_id: null,
      saml_idp_sso_url: null,
      saml_idp_certificate: null,
    };
  }
  assertUrl(deps, input.ssoUrl, "sign-in URL");
  return {
    oidc_issuer: null,
    oidc_client_id: null,
    oidc_client_secret_sealed: null,
    saml_idp_entity_id: input.entityId,
    saml_idp_sso_url: input.ssoUrl,
    saml_idp_certificate: normalizeCertificate(input.certificate),
  };
}

const CHANGE_FIELDS = {
  protocol: "protocol",
  default_role: "defaultRole",
  oidc_issuer: "issuer",
  oidc_client_id: "clientId",
  oidc_client_secret_sealed: "clientSecret",
  saml_idp_entity_id: "entityId",
  saml_idp_sso_url: "ssoUrl",
  saml_idp_certificate: "certificate",
} as const;

/** Creates the organization's connection, or replaces its settings (audited; the secret never is). */
export async function configureConnection(
  deps: Deps,
  access: OrgAccess,
  input: ConnectionInput,
): Promise<SsoConnectionView> {
  const now = deps.clock();
  const existing = await findConnection(deps.db, access.orgId);
  const settings = await settingsFor(deps, input, existing);
  return runTransaction(deps, async (trx) => {
    // People joining through the provider get this role: no more than the admin holds.
    await resolveGrantableRole(trx, access, input.defaultRole);
    const values = {
      protocol: input.protocol,
      default_role: input.defaultRole,
      ...settings,
      updated_at: now,
    };
    const current = await trx
      .selectFrom("sso_connections")
      .selectAll()
      .where("org_id", "=", access.orgId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) {
      const row = await trx
        .insertInto("sso_connections")
        .values({ org_id: access.orgId, created_by: access.actor.userId, created_at: now, ...values })
        .onConflict((oc) => oc.column("org_id").doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordChange(trx, access, now, "sso_connection.created", ["sso_connection", row.id], {
        protocol: row.protocol,
        defaultRole: row.default_role,
      });
      return toView(row);
    }
    const changed = (Object.keys(CHANGE_FIELDS) as (keyof typeof CHANGE_FIELDS)[])
      .filter((key) => current[key] !== values[key])
      .map((key) => CHANGE_FIELDS[key]);
    const row = await trx
      .updateTable("sso_connections")
      .set(values)
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, access, now, "sso_connection.updated", ["sso_connection", row.id], { changed });
    return toView(row);
  });
}

/** "Members on this domain must use SSO": password sign-in is refused for them (owners excepted). */
export async function setEnforcement(
  deps: Deps,
  access: OrgAccess,
  input: { enforced: boolean },
): Promise<SsoConnectionView> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const row = await trx
      .updateTable("sso_connections")
      .set({ enforced: input.enforced, updated_at: now })
      .where("org_id", "=", access.orgId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw connectionNotFound();
    await recordChange(trx, access, now, "sso_connection.updated", ["sso_connection", row.id], {
      changed: ["enforced"],
      enforced: input.enforced,
    });
    return toView(row);
  });
}

/** Removes the connection; its members keep their accounts and memberships (and may reset a password). */
export async function deleteConnection(deps: Deps, access: OrgAccess): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const row = await trx
      .deleteFrom("sso_connections")
      .where("org_id", "=", access.orgId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw connectionNotFound();
    await recordChange(trx, access, now, "sso_connection.deleted", ["sso_connection", row.id], {
      ...connectionSummary(row),
    });
  });
}
