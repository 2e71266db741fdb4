import type { CacheProvider } from "@node-saml/node-saml";
import type { Database, SsoConnection } from "@roster/db";
import { type Kysely, sql } from "kysely";
import {
  authorizationUrl,
  discover,
  finishSignIn,
  newChallenge,
  type OidcSettings,
} from "../auth/sso-oidc.js";
import {
  type SamlSettings,
  samlSignInUrl,
  unverifiedAssertionId,
  verifySamlResponse,
} from "../auth/sso-saml.js";
import { generateSecureRandomString } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Deps, RequestOrigin } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { emailDomain } from "./domains.js";
import { connectionNotFound, findConnection, serviceProvider } from "./sso-connections.js";
import { completeSsoSignIn, type ProviderIdentity, type SsoSignedIn } from "./sso-provisioning.js";

/**
 * Single sign-on, from the email address typed on the sign-in page to the provider and back. A
 * flow row (`sso_flows`) is written when the person leaves for the provider and taken (deleted)
 * when they come back, so each answer is used once and any instance can receive it. OIDC flows are
 * also bound to the browser that started them (a cookie holding the flow id).
 */

export const FLOW_TTL_SECONDS = 10 * 60;

const flowInvalid = () =>
  badRequest("SSO_FLOW_INVALID", "This sign-in is no longer valid (it expired or was used). Start again.");

/** A path on this deployment to land on afterwards: relative, never another site. */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value?.startsWith("/") || value.startsWith("//") || value.includes("\\")) return null;
  return value.slice(0, 512);
}

function oidcSettings(deps: Deps, c: SsoConnection): OidcSettings {
  if (!c.oidc_issuer || !c.oidc_client_id) throw connectionNotFound();
  return {
    issuer: c.oidc_issuer,
    clientId: c.oidc_client_id,
    clientSecret: c.oidc_client_secret_sealed ? deps.sealer.open(c.oidc_client_secret_sealed) : null,
    allowHttp: !deps.config.production,
  };
}

function samlSettings(deps: Deps, c: SsoConnection): SamlSettings {
  if (!c.saml_idp_entity_id || !c.saml_idp_sso_url || !c.saml_idp_certificate) throw connectionNotFound();
  const sp = serviceProvider(deps, c.org_id);
  return {
    entityId: sp.entityId,
    acsUrl: sp.acsUrl,
    idpEntityId: c.saml_idp_entity_id,
    idpSsoUrl: c.saml_idp_sso_url,
    idpCertificate: c.saml_idp_certificate,
  };
}

/** The connection that signs in people with this address: its domain verified by an organization that has one. */
async function connectionForEmail(db: Kysely<Database>, email: string) {
  const row = await db
    .selectFrom("org_domains as d")
    .innerJoin("sso_connections as c", "c.org_id", "d.org_id")
    .innerJoin("organizations as o", "o.id", "d.org_id")
    .selectAll("c")
    .select(["o.name as org_name"])
    .where("d.domain", "=", emailDomain(email))
    .where("d.status", "=", "verified")
    .executeTakeFirst();
  if (!row) {
    throw notFound(
      "SSO_NOT_AVAILABLE",
      "Single sign-on is not set up for this email address. Sign in with your password.",
    );
  }
  const { org_name, ...connection } = row;
  return { connection: connection as SsoConnection, orgName: org_name };
}

export interface SsoStart {
  /** Where to send the browser: the identity provider's sign-in page. */
  url: string;
  /** The flow's id; the OIDC callback expects it back in a cookie from the same browser. */
  flowId: string;
  protocol: "oidc" | "saml";
  organization: { id: string; name: string };
}

async function startFlow(
  deps: Deps,
  connection: SsoConnection,
  purpose: "sign_in" | "test",
  returnTo: string | null,
): Promise<{ url: string; flowId: string }> {
  const now = deps.clock();
  const id = generateSecureRandomString();
  // Flows nobody finished are dropped as new ones start.
  await deps.db.deleteFrom("sso_flows").where("expires_at", "<", now).execute();
  const row = {
    id,
    connection_id: connection.id,
    purpose,
    return_to: returnTo,
    created_at: now,
    expires_at: addSeconds(now, FLOW_TTL_SECONDS),
  };
  if (connection.protocol === "oidc") {
    const config = await discover(oidcSettings(deps, connection));
    const challenge = newChallenge();
    await deps.db
      .insertInto("sso_flows")
      .values({ ...row, nonce: challenge.nonce, code_verifier: challenge.codeVerifier })
      .execute();
    const redirectUri = serviceProvider(deps, connection.org_id).redirectUri;
    return { url: await authorizationUrl(config, { redirectUri, state: id, challenge }), flowId: id };
  }
  await deps.db.insertInto("sso_flows").values(row).execute();
  // The AuthnRequest's id is kept on the flow: the answer must name it (InResponseTo).
  const requests: CacheProvider = {
    saveAsync: async (key, value) => {
      await deps.db.updateTable("sso_flows").set({ saml_request_id: key }).where("id", "=", id).execute();
      return { value, createdAt: now.getTime() };
    },
    getAsync: async () => null,
    removeAsync: async () => null,
  };
  return { url: await samlSignInUrl(samlSettings(deps, connection), requests, id), flowId: id };
}

/** Sign-in by email: starts a flow with the provider of the organization that verified the address's domain. */
export async function startSsoSignIn(
  deps: Deps,
  input: { email: string; returnTo?: string | undefined },
): Promise<SsoStart> {
  const { connection, orgName } = await connectionForEmail(deps.db, input.email);
  const flow = await startFlow(deps, connection, "sign_in", safeReturnPath(input.returnTo));
  return { ...flow, protocol: connection.protocol, organization: { id: connection.org_id, name: orgName } };
}

/** "Test connection": a sign-in that checks the provider's answer and signs nobody in. */
export async function startSsoTest(deps: Deps, orgId: string): Promise<{ url: string; flowId: string }> {
  const connection = await findConnection(deps.db, orgId);
  if (!connection) throw connectionNotFound();
  return startFlow(deps, connection, "test", null);
}

/** Takes a flow: it is gone afterwards, whatever happens next. */
async function takeFlow(db: Kysely<Database>, id: string, now: Date) {
  if (!id || id.length > 64) throw flowInvalid();
  const flow = await db.deleteFrom("sso_flows").where("id", "=", id).returningAll().executeTakeFirst();
  if (!flow || flow.expires_at.getTime() <= now.getTime()) throw flowInvalid();
  const connection = await db
    .selectFrom("sso_connections")
    .selectAll()
    .where("id", "=", flow.connection_id)
    .executeTakeFirst();
  if (!connection) throw flowInvalid();
  return { flow, connection };
}

export type SsoOutcome =
  | { purpose: "sign_in"; signedIn: SsoSignedIn; returnTo: string | null }
  | { purpose: "test"; orgId: string; email: string | null };

async function conclude(
  deps: Deps,
  origin: RequestOrigin,
  taken: Awaited<ReturnType<typeof takeFlow>>,
  identity: ProviderIdentity,
): Promise<SsoOutcome> {
  if (taken.flow.purpose === "test") {
    return { purpose: "test", orgId: taken.connection.org_id, email: identity.email };
  }
  const signedIn = await completeSsoSignIn(deps, origin, taken.connection, identity);
  return { purpose: "sign_in", signedIn, returnTo: taken.flow.return_to };
}

/** The OIDC callback: `state` names the flow, which the same browser started (`flowCookie`). */
export async function finishOidcSignIn(
  deps: Deps,
  origin: RequestOrigin,
  input: { callbackUrl: URL; flowCookie: string | undefined },
): Promise<SsoOutcome> {
  const state = input.callbackUrl.searchParams.get("state") ?? "";
  if (!input.flowCookie || input.flowCookie !== state) throw flowInvalid();
  const taken = await takeFlow(deps.db, state, deps.clock());
  if (taken.connection.protocol !== "oidc" || !taken.flow.nonce || !taken.flow.code_verifier)
    throw flowInvalid();
  const config = await discover(oidcSettings(deps, taken.connection));
  const identity = await finishSignIn(config, input.callbackUrl, {
    state,
    challenge: { nonce: taken.flow.nonce, codeVerifier: taken.flow.code_verifier },
  });
  if (identity.emailVerified === false) identity.email = null;
  return conclude(deps, origin, taken, identity);
}

const replayed = () =>
  badRequest("SSO_ASSERTION_REPLAYED", "This sign-in answer was already used. Sign in again.");

/** The SAML Assertion Consumer Service: RelayState names the flow; the assertion is used once. */
export async function finishSamlSignIn(
  deps: Deps,
  origin: RequestOrigin,
  orgId: string,
  form: { SAMLResponse: string; RelayState: string },
): Promise<SsoOutcome> {
  const now = deps.clock();
  const connection = await findConnection(deps.db, orgId);
  if (connection?.protocol !== "saml") throw connectionNotFound();
  const seenId = unverifiedAssertionId(form.SAMLResponse);
  if (seenId) {
    const seen = await deps.db
      .selectFrom("sso_assertions")
      .select("assertion_id")
      .where("connection_id", "=", connection.id)
      .where("assertion_id", "=", seenId)
      .executeTakeFirst();
    if (seen) throw replayed();
  }
  const taken = await takeFlow(deps.db, form.RelayState, now);
  if (taken.connection.id !== connection.id) throw flowInvalid();
  const requestId = taken.flow.saml_request_id;
  const requests: CacheProvider = {
    saveAsync: async () => null,
    // The flow's own expiry was checked when it was taken; the library's request period is
    // measured from the instant answered here, so it never ends a flow earlier.
    getAsync: async (key) => (key === requestId ? new Date().toISOString() : null),
    removeAsync: async (key) => key,
  };
  const assertion = await verifySamlResponse(samlSettings(deps, connection), requests, form);
  // Remembered until it could no longer be presented; the primary key refuses a second use,
  // also when two instances receive it at once.
  await deps.db.deleteFrom("sso_assertions").where("expires_at", "<", now).execute();
  const kept = await deps.db
    .insertInto("sso_assertions")
    .values({
      connection_id: connection.id,
      assertion_id: assertion.id,
      expires_at: sql<Date>`greatest(${assertion.notOnOrAfter}::timestamptz, ${now}::timestamptz + interval '1 hour')`,
    })
    .onConflict((oc) => oc.columns(["connection_id", "assertion_id"]).doNothing())
    .returning("assertion_id")
    .executeTakeFirst();
  if (!kept) throw replayed();
  return conclude(deps, origin, taken, {
    subject: assertion.subject,
    email: assertion.email,
    name: assertion.name,
  });
}
