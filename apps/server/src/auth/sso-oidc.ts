import { randomBytes } from "node:crypto";
import type * as oidc from "openid-client";
import { badRequest, RosterError } from "../errors.js";
import { lazy } from "../lazy.js";

/**
 * OpenID Connect as a relying party, with `openid-client`: the provider's settings come from its
 * discovery document; every sign-in uses the authorization code flow with PKCE (S256), a state
 * (which names the flow) and a nonce, all three checked when the provider answers.
 */

/** openid-client, loaded with the first sign-in through OpenID Connect. */
const openidClient = lazy(() => import("openid-client"));

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Plain http issuers are allowed outside production (a provider on the developer's machine). */
  allowHttp: boolean;
}

export interface OidcIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean | null;
  name: string | null;
}

/** Reads the provider's discovery document; refused with SSO_PROVIDER_UNREACHABLE when it cannot. */
export async function discover(settings: OidcSettings): Promise<oidc.Configuration> {
  const client = await openidClient();
  try {
    return await client.discovery(
      new URL(settings.issuer),
      settings.clientId,
      settings.clientSecret ?? undefined,
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      settings.allowHttp ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
    );
  } catch (error) {
    throw badRequest(
      "SSO_PROVIDER_UNREACHABLE",
      `The identity provider's discovery document at ${settings.issuer} could not be read (${(error as Error).message}). Check the issuer URL.`,
    );
  }
}

export interface OidcChallenge {
  nonce: string;
  codeVerifier: string;
}

/** A nonce and a PKCE code verifier: 32 random bytes each, base64url (as openid-client makes them). */
export function newChallenge(): OidcChallenge {
  return {
    nonce: randomBytes(32).toString("base64url"),
    codeVerifier: randomBytes(32).toString("base64url"),
  };
}

/** The provider's authorization URL for one flow. */
export async function authorizationUrl(
  config: oidc.Configuration,
  input: { redirectUri: string; state: string; challenge: OidcChallenge },
): Promise<string> {
  const client = await openidClient();
  return client
    .buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri,
      scope: "openid email profile",
      response_type: "code",
      state: input.state,
      nonce: input.challenge.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(input.challenge.codeVerifier),
      code_challenge_method: "S256",
    })
    .toString();
}

function reasonFor(error: unknown): RosterError {
  if (error instanceof RosterError) return error;
  const e = error as { message?: string; error_description?: string; cause?: { message?: string } };
  // openid-client wraps the check that failed: its own message names the claim or parameter.
  const text = [e.error_description ?? e.message ?? String(error), e.cause?.message]
    .filter(Boolean)
    .join(": ");
  if (/nonce/i.test(text)) {
    return badRequest(
      "SSO_NONCE_MISMATCH",
      "The identity provider's answer does not belong to this sign-in.",
    );
  }
  if (/state/i.test(text)) {
    return badRequest("SSO_FLOW_INVALID", "This sign-in is no longer valid. Start again.");
  }
  return badRequest(
    "SSO_RESPONSE_INVALID",
    `The identity provider's answer could not be accepted (${text}).`,
  );
}

/**
 * Trades the code in `callbackUrl` for tokens, checking the state, the PKCE verifier, the ID
 * token's signature, issuer, audience, expiry and nonce; returns who signed in.
 */
export async function finishSignIn(
  config: oidc.Configuration,
  callbackUrl: URL,
  expected: { state: string; challenge: OidcChallenge },
): Promise<OidcIdentity> {
  let claims: Record<string, unknown> & { sub: string };
  const client = await openidClient();
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.challenge.nonce,
      pkceCodeVerifier: expected.challenge.codeVerifier,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw badRequest("SSO_RESPONSE_INVALID", "The identity provider sent no ID token.");
    claims = idToken;
    // Providers that keep profile claims out of the ID token give them at the UserInfo endpoint
    // (for the same subject, which the library checks).
    if (typeof idToken.email !== "string") {
      claims = {
        ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)),
        sub: idToken.sub,
      };
    }
  } catch (error) {
    throw reasonFor(error);
  }
  const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);
  return {
    subject: claims.sub,
    email: text(claims.email),
    emailVerified: typeof claims.email_verified === "boolean" ? claims.email_verified : null,
    name: text(claims.name),
  };
}
