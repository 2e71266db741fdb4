import { X509Certificate } from "node:crypto";
import type { CacheProvider, SAML } from "@node-saml/node-saml";
import { DOMParser } from "@xmldom/xmldom";
import { badRequest, type RosterError } from "../errors.js";
import { lazy } from "../lazy.js";

/** node-saml (and xml-crypto), loaded with the first SAML sign-in or metadata request. */
const nodeSaml = lazy(() => import("@node-saml/node-saml"));

/**
 * SAML 2.0 as a service provider, with `@node-saml/node-saml`: AuthnRequests out (HTTP-Redirect),
 * Responses in (HTTP-POST). The library checks the assertion's signature against the provider's
 * certificate, its audience, its time bounds (with `CLOCK_SKEW_MS`) and that it answers a request
 * this deployment made (InResponseTo, through `requests`, kept in Postgres so any instance may
 * receive the answer). What it does not check is checked here: the recipient and destination, and
 * that an assertion is used once.
 */

/** How far the provider's clock may be from ours. */
export const CLOCK_SKEW_MS = 30_000;
/** How long an AuthnRequest may wait for its answer. */
export const REQUEST_TTL_MS = 10 * 60_000;

export interface SamlSettings {
  /** Ours: the entity ID (also the audience) and the Assertion Consumer Service URL. */
  entityId: string;
  acsUrl: string;
  /** The identity provider's. */
  idpEntityId: string;
  idpSsoUrl: string;
  idpCertificate: string;
}

/** What a verified assertion says about the person. */
export interface SamlAssertion {
  id: string;
  subject: string;
  email: string | null;
  name: string | null;
  /** Until when the assertion could be presented (its id is remembered until then). */
  notOnOrAfter: Date;
}

/** A PEM certificate, or its base64 body as metadata files carry it; refused when it does not parse. */
export function normalizeCertificate(raw: string): string {
  const body = raw
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, "")
    .replace(/\s+/g, "")
    .trim();
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    throw badRequest(
      "INVALID_SSO_SETTINGS",
      "The signing certificate is not a valid X.509 certificate. Paste it from the identity provider's metadata (PEM or base64).",
    );
  }
  return pem;
}

async function saml(settings: SamlSettings, requests: CacheProvider): Promise<SAML> {
  const { SAML, ValidateInResponseTo } = await nodeSaml();
  return new SAML({
    issuer: settings.entityId,
    audience: settings.entityId,
    callbackUrl: settings.acsUrl,
    entryPoint: settings.idpSsoUrl,
    idpIssuer: settings.idpEntityId,
    idpCert: settings.idpCertificate,
    // The assertion must carry the provider's signature; a signed envelope alone is not enough.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    // Only answers to our own requests: an unsolicited (IdP-initiated) response is refused.
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    cacheProvider: requests,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
  });
}

/** The URL that sends the browser to the provider with a fresh AuthnRequest; `relayState` comes back. */
export async function samlSignInUrl(settings: SamlSettings, requests: CacheProvider, relayState: string) {
  return (await saml(settings, requests)).getAuthorizeUrlAsync(relayState, undefined, {});
}

/** The service provider metadata the identity provider's admin imports. */
export async function samlMetadata(settings: Pick<SamlSettings, "entityId" | "acsUrl">): Promise<string> {
  const { SAML } = await nodeSaml();
  return new SAML({
    issuer: settings.entityId,
    callbackUrl: settings.acsUrl,
    idpCert: "unused",
    wantAssertionsSigned: true,
    identifierFormat: null,
  }).generateServiceProviderMetadata(null);
}

const refused = (
  reason:
    | "SSO_SIGNATURE_INVALID"
    | "SSO_AUDIENCE_MISMATCH"
    | "SSO_ASSERTION_EXPIRED"
    | "SSO_RECIPIENT_MISMATCH"
    | "SSO_RESPONSE_INVALID",
  message: string,
) => badRequest(reason, message);

/** The library's refusals, as stable reasons. */
function reasonFor(error: Error): RosterError {
  const text = error.message;
  if (/signature/i.test(text)) {
    return refused(
      "SSO_SIGNATURE_INVALID",
      "The identity provider's answer is not signed with its certificate.",
    );
  }
  if (/audience/i.test(text)) {
    return refused(
      "SSO_AUDIENCE_MISMATCH",
      "The identity provider's answer is meant for another application.",
    );
  }
  // A subject confirmation is "not valid" only for its time bounds.
  if (/expired|not yet valid|no valid subject confirmation/i.test(text)) {
    return refused("SSO_ASSERTION_EXPIRED", "The identity provider's answer is outside its validity period.");
  }
  return refused("SSO_RESPONSE_INVALID", `The identity provider's answer could not be accepted (${text}).`);
}

const attr = (el: Element | undefined | null, name: string) => el?.getAttribute(name) || null;

function first(doc: Document | Element, localName: string): Element | undefined {
  return doc.getElementsByTagNameNS("*", localName)[0] ?? undefined;
}

/** The assertion id of a response before any check: only used to refuse a replay early. */
export function unverifiedAssertionId(samlResponse: string): string | null {
  try {
    const xml = Buffer.from(samlResponse, "base64").toString("utf8");
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    return attr(first(doc, "Assertion"), "ID");
  } catch {
    return null;
  }
}

/**
 * Checks a posted SAMLResponse and returns what its signed assertion says. Everything read here
 * (beyond the Response's Destination) comes from the assertion the signature covers.
 */
export async function verifySamlResponse(
  settings: SamlSettings,
  requests: CacheProvider,
  form: { SAMLResponse: string },
): Promise<SamlAssertion> {
  let profile: Awaited<ReturnType<SAML["validatePostResponseAsync"]>>["profile"];
  try {
    ({ profile } = await (await saml(settings, requests)).validatePostResponseAsync(form));
  } catch (error) {
    throw reasonFor(error instanceof Error ? error : new Error(String(error)));
  }
  const assertionXml = profile?.getAssertionXml?.();
  if (!profile || !assertionXml) {
    throw refused("SSO_RESPONSE_INVALID", "The identity provider's answer holds no assertion.");
  }
  const responseDoc = new DOMParser().parseFromString(
    Buffer.from(form.SAMLResponse, "base64").toString("utf8"),
    "text/xml",
  );
  const destination = attr(responseDoc.documentElement, "Destination");
  const assertion = new DOMParser().parseFromString(assertionXml, "text/xml").documentElement;
  const confirmation = first(assertion, "SubjectConfirmationData");
  const recipient = attr(confirmation, "Recipient");
  // The signed recipient must be our ACS URL; a destination, when the envelope names one, too.
  if (recipient !== settings.acsUrl || (destination !== null && destination !== settings.acsUrl)) {
    throw refused("SSO_RECIPIENT_MISMATCH", "The identity provider sent this answer to another address.");
  }
  const id = attr(assertion, "ID");
  const until = attr(confirmation, "NotOnOrAfter") ?? attr(first(assertion, "Conditions"), "NotOnOrAfter");
  if (!id || !until || Number.isNaN(Date.parse(until))) {
    throw refused(
      "SSO_RESPONSE_INVALID",
      "The identity provider's assertion has no id or no end of validity.",
    );
  }
  const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);
  const email =
    text(profile.email) ??
    text(profile.mail) ??
    text(profile["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"]) ??
    (profile.nameID?.includes("@") ? profile.nameID : null);
  const given = text(profile.firstName) ?? text(profile.givenName);
  const family = text(profile.lastName) ?? text(profile.surname);
  const name =
    text(profile.displayName) ?? text(profile.name) ?? ([given, family].filter(Boolean).join(" ") || null);
  return {
    id,
    subject: profile.nameID,
    email,
    name,
    notOnOrAfter: new Date(Date.parse(until) + CLOCK_SKEW_MS),
  };
}
