import type { SocialProvider } from "@roster/db";
import type { OAuth2Client, OAuth2Tokens } from "arctic";
import type { createRemoteJWKSet, JWTPayload } from "jose";
import { z } from "zod";
import type { Config } from "../config.js";
import { badRequest, RosterError } from "../errors.js";
import { lazy } from "../lazy.js";

/**
 * Google, GitHub and Microsoft as OAuth 2.0 clients, through arctic's `OAuth2Client`: the
 * authorization code flow with PKCE (S256) and a state for all three, and a nonce in the ID token
 * for the two that speak OpenID Connect. arctic exchanges the code; the ID token's signature,
 * issuer, audience, expiry and nonce are checked here (jose), and GitHub's address comes from its
 * REST API (`/user`, `/user/emails`, whose `verified` says whether GitHub proved it).
 *
 * The endpoints are each provider's documented ones (those arctic's own provider classes use).
 * Only SOCIAL_TEST_PROVIDER_URL, refused in production and off loopback (config.ts), replaces them
 * with one provider on this machine: its discovery document gives the OAuth endpoints of all three,
 * and it serves GitHub's two API paths.
 */

/** arctic and jose, loaded with the first social sign-in. */
const arctic = lazy(() => import("arctic"));
const jose = lazy(() => import("jose"));

export const SOCIAL_PROVIDERS = [
  "google",
  "github",
  "microsoft",
] as const satisfies readonly SocialProvider[];
export type { SocialProvider };

export const PROVIDER_NAMES: Record<SocialProvider, string> = {
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

/** What the provider says about who signed in. */
export interface SocialIdentity {
  subject: string;
  email: string | null;
  /** Whether the provider proved the person receives mail at `email`. */
  emailVerified: boolean;
  name: string | null;
}

interface Endpoints {
  authorization: string;
  token: string;
  /** OpenID Connect: where the signing keys are, and whether an ID token's issuer is this provider's. */
  oidc?: { jwks: string; issuerMatches(issuer: string, claims: JWTPayload): boolean };
  /** GitHub's REST API. */
  api?: string;
  /** Provider-specific parameters of the authorization request. */
  parameters?: Record<string, string>;
}

// Google and Microsoft: let the person choose which of their accounts to use.
const SELECT_ACCOUNT = { prompt: "select_account" };

const MICROSOFT_TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function productionEndpoints(provider: SocialProvider, config: Config["social"]): Endpoints {
  switch (provider) {
    case "google":
      return {
        authorization: "https://accounts.google.com/o/oauth2/v2/auth",
        token: "https://oauth2.googleapis.com/token",
        oidc: {
          jwks: "https://www.googleapis.com/oauth2/v3/certs",
          issuerMatches: (iss) => iss === "https://accounts.google.com" || iss === "accounts.google.com",
        },
        parameters: SELECT_ACCOUNT,
      };
    case "microsoft": {
      const tenant = config.microsoft?.tenant ?? "common";
      const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant)}`;
      return {
        authorization: `${base}/oauth2/v2.0/authorize`,
        token: `${base}/oauth2/v2.0/token`,
        oidc: {
          jwks: `${base}/discovery/v2.0/keys`,
          // Multi-tenant endpoints sign tokens with the person's own tenant as issuer; a fixed
          // tenant id must be that tenant.
          issuerMatches: (iss, claims) => {
            const tid = typeof claims.tid === "string" ? claims.tid : "";
            if (!MICROSOFT_TENANT_ID.test(tid)) return false;
            if (MICROSOFT_TENANT_ID.test(tenant) && tid.toLowerCase() !== tenant.toLowerCase()) return false;
            return iss === `https://login.microsoftonline.com/${tid}/v2.0`;
          },
        },
        parameters: SELECT_ACCOUNT,
      };
    }
    case "github":
      return {
        authorization: "https://github.com/login/oauth/authorize",
        token: "https://github.com/login/oauth/access_token",
        api: "https://api.github.com",
      };
  }
}

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});

const discovered = new Map<string, Promise<z.infer<typeof discoverySchema>>>();

/** The test provider's discovery document, read once per process. */
function discover(base: string) {
  let found = discovered.get(base);
  if (!found) {
    found = fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) })
      .then(async (res) => discoverySchema.parse(await res.json()))
      .catch((error: unknown) => {
        discovered.delete(base);
        throw error;
      });
    discovered.set(base, found);
  }
  return found;
}

async function endpointsFor(provider: SocialProvider, config: Config["social"]): Promise<Endpoints> {
  const base = config.testProviderUrl;
  if (!base) return productionEndpoints(provider, config);
  const d = await discover(base).catch((error: Error) => {
    throw unreachable(error);
  });
  return {
    authorization: d.authorization_endpoint,
    token: d.token_endpoint,
    ...(provider === "github"
      ? { api: base }
      : { oidc: { jwks: d.jwks_uri, issuerMatches: (iss: string) => iss === d.issuer } }),
  };
}

const SCOPES: Record<SocialProvider, string[]> = {
  google: ["openid", "email", "profile"],
  microsoft: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
};

/** The client ID and secret of a configured provider, or null. */
export function clientFor(config: Config["social"], provider: SocialProvider) {
  return config[provider];
}

async function oauthClient(
  config: Config["social"],
  provider: SocialProvider,
  redirectUri: string,
): Promise<OAuth2Client> {
  const client = clientFor(config, provider);
  if (!client) throw new Error(`${provider} is not configured`);
  return new (await arctic()).OAuth2Client(client.clientId, client.clientSecret, redirectUri);
}

export interface SocialChallenge {
  state: string;
  codeVerifier: string;
  /** OpenID Connect providers only. */
  nonce: string | null;
}

/** The provider's authorization URL for one flow. */
export async function socialAuthorizationUrl(
  config: Config["social"],
  provider: SocialProvider,
  redirectUri: string,
  challenge: SocialChallenge,
): Promise<string> {
  const endpoints = await endpointsFor(provider, config);
  const client = await oauthClient(config, provider, redirectUri);
  const url = client.createAuthorizationURLWithPKCE(
    endpoints.authorization,
    challenge.state,
    (await arctic()).CodeChallengeMethod.S256,
    challenge.codeVerifier,
    SCOPES[provider],
  );
  if (challenge.nonce) url.searchParams.set("nonce", challenge.nonce);
  for (const [name, value] of Object.entries(endpoints.parameters ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

const invalid = (detail: string) =>
  badRequest(
    "SOCIAL_RESPONSE_INVALID",
    `The provider's answer could not be accepted (${detail}). Start again.`,
  );

function unreachable(error: Error) {
  return badRequest(
    "SOCIAL_RESPONSE_INVALID",
    `The provider could not be reached (${error.message}). Try again in a moment.`,
  );
}

const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const jwksFor = async (url: string) => {
  let jwks = jwksByUrl.get(url);
  if (!jwks) {
    jwks = (await jose()).createRemoteJWKSet(new URL(url), { timeoutDuration: 10_000 });
    jwksByUrl.set(url, jwks);
  }
  return jwks;
};

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

/** Checks an ID token as OpenID Connect asks: signature, issuer, audience, expiry and the flow's nonce. */
async function verifyIdToken(
  tokens: OAuth2Tokens,
  oidc: NonNullable<Endpoints["oidc"]>,
  clientId: string,
  nonce: string,
): Promise<SocialIdentity> {
  const idToken = "id_token" in tokens.data ? tokens.idToken() : null;
  if (!idToken) throw invalid("no ID token");
  const keys = await jwksFor(oidc.jwks);
  const { jwtVerify } = await jose();
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(idToken, keys, {
      audience: clientId,
      algorithms: ["RS256"],
      clockTolerance: 60,
    }));
  } catch (error) {
    throw invalid(`ID token: ${(error as Error).message}`);
  }
  if (!claims.iss || !oidc.issuerMatches(claims.iss, claims)) throw invalid("ID token from another issuer");
  if (claims.nonce !== nonce) throw invalid("ID token for another sign-in (nonce)");
  if (!claims.sub) throw invalid("ID token without a subject");
  // Google says `email_verified`; Microsoft Entra ID vouches for an address only with the
  // optional `xms_edov` claim (the address's domain is verified by the person's tenant).
  const verified = claims.email_verified === true || claims.xms_edov === true || claims.xms_edov === "1";
  return { subject: claims.sub, email: text(claims.email), emailVerified: verified, name: text(claims.name) };
}

const githubUser = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullable().optional(),
});
const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

async function githubApi(api: string, path: string, accessToken: string): Promise<unknown> {
  const res = await fetch(`${api}${path}`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "Roster",
    },
    signal: AbortSignal.timeout(10_000),
  }).catch((error: Error) => {
    throw unreachable(error);
  });
  if (!res.ok) throw invalid(`GitHub answered ${path} with ${res.status}`);
  return res.json();
}

/** GitHub's person and primary address, with whether GitHub verified it. */
async function githubIdentity(api: string, accessToken: string): Promise<SocialIdentity> {
  const user = githubUser.safeParse(await githubApi(api, "/user", accessToken));
  const emails = githubEmails.safeParse(await githubApi(api, "/user/emails", accessToken));
  if (!user.success || !emails.success) throw invalid("GitHub's user or emails had an unexpected shape");
  const primary = emails.data.find((e) => e.primary) ?? null;
  return {
    subject: String(user.data.id),
    email: text(primary?.email),
    emailVerified: primary?.verified === true,
    name: text(user.data.name) ?? user.data.login,
  };
}

/**
 * Trades the code for tokens (with the flow's PKCE verifier) and reads who signed in: from the
 * verified ID token (Google, Microsoft) or GitHub's API.
 */
export async function finishSocialSignIn(
  config: Config["social"],
  provider: SocialProvider,
  redirectUri: string,
  input: { code: string; codeVerifier: string; nonce: string | null },
): Promise<SocialIdentity> {
  const endpoints = await endpointsFor(provider, config);
  const client = await oauthClient(config, provider, redirectUri);
  const { ArcticFetchError, OAuth2RequestError } = await arctic();
  let tokens: OAuth2Tokens;
  try {
    tokens = await client.validateAuthorizationCode(endpoints.token, input.code, input.codeVerifier);
  } catch (error) {
    if (error instanceof OAuth2RequestError) throw invalid(`the code was refused: ${error.code}`);
    if (error instanceof ArcticFetchError) throw unreachable(error.cause as Error);
    if (error instanceof RosterError) throw error;
    throw invalid((error as Error).message);
  }
  if (endpoints.oidc) {
    if (!input.nonce) throw invalid("no nonce");
    return verifyIdToken(tokens, endpoints.oidc, client.clientId, input.nonce);
  }
  if (!endpoints.api) throw invalid("no API");
  return githubIdentity(endpoints.api, tokens.accessToken());
}
