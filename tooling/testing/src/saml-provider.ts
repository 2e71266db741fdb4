import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { inflateRawSync } from "node:zlib";
import { SignedXml } from "xml-crypto";
import type { IdpUser } from "./oidc-provider.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

/** The provider's signing key and certificate (generated for tests), and another pair to forge with. */
export const SAML_IDP_KEY = fixture("saml-idp.key");
export const SAML_IDP_CERT = fixture("saml-idp.crt");
const FORGER_KEY = fixture("saml-forger.key");
const FORGER_CERT = fixture("saml-forger.crt");

/** What a test may change in an answer, to make it wrong in one way. */
export interface AnswerOverrides {
  audience?: string;
  recipient?: string;
  destination?: string;
  inResponseTo?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** Sign with a key the service provider does not trust. */
  forged?: boolean;
  /** Leave the assertion unsigned. */
  unsigned?: boolean;
  /** Sign the Response envelope instead of the assertion. */
  envelopeOnly?: boolean;
  /** Change the signed assertion after signing (another email). */
  tamperEmail?: string;
}

export interface SamlAnswer {
  acsUrl: string;
  SAMLResponse: string;
  RelayState: string;
  assertionId: string;
}

/**
 * A SAML 2.0 identity provider on loopback. It reads an AuthnRequest sent by HTTP-Redirect and
 * answers with a Response whose Assertion it signs (RSA-SHA256, exclusive C14N) with `xml-crypto`;
 * a browser gets an auto-submitting form to the service provider's ACS URL.
 */
export interface TestSamlProvider {
  entityId: string;
  ssoUrl: string;
  certificate: string;
  signInAs(user: IdpUser): void;
  /** The answer to an AuthnRequest URL (what the browser would post), built in the test's process. */
  answer(authnRequestUrl: string, overrides?: AnswerOverrides): SamlAnswer;
  close(): Promise<void>;
}

const xmlText = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function readRequest(url: URL): { id: string; acsUrl: string; issuer: string; relayState: string } {
  const encoded = url.searchParams.get("SAMLRequest");
  if (!encoded) throw new Error("No SAMLRequest in the URL.");
  const xml = inflateRawSync(Buffer.from(encoded, "base64")).toString("utf8");
  const id = xml.match(/\sID="([^"]+)"/)?.[1];
  const acsUrl = xml.match(/AssertionConsumerServiceURL="([^"]+)"/)?.[1];
  const issuer = xml.match(/<saml:Issuer[^>]*>([^<]+)<\/saml:Issuer>/)?.[1];
  if (!id || !acsUrl || !issuer) throw new Error(`Not an AuthnRequest: ${xml}`);
  return { id, acsUrl, issuer, relayState: url.searchParams.get("RelayState") ?? "" };
}

function sign(xml: string, key: string, cert: string, element = "Assertion"): string {
  const signer = new SignedXml({
    privateKey: key,
    publicCert: cert,
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  signer.addReference({
    xpath: `//*[local-name(.)='${element}']`,
    transforms: [
      "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
      "http://www.w3.org/2001/10/xml-exc-c14n#",
    ],
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
  });
  signer.computeSignature(xml, {
    location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: "after" },
  });
  return signer.getSignedXml();
}

export async function startSamlProvider(): Promise<TestSamlProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const entityId = `${base}/metadata`;
  let current: IdpUser | null = null;

  const answer = (authnRequestUrl: string, o: AnswerOverrides = {}): SamlAnswer => {
    if (!current) throw new Error("The test SAML provider was asked to sign in nobody.");
    const request = readRequest(new URL(authnRequestUrl));
    const now = Date.now();
    const issued = new Date(now).toISOString();
    const notBefore = (o.notBefore ?? new Date(now - 60_000)).toISOString();
    const notOnOrAfter = (o.notOnOrAfter ?? new Date(now + 5 * 60_000)).toISOString();
    const assertionId = `_a${randomUUID().replaceAll("-", "")}`;
    const inResponseTo = xmlText(o.inResponseTo ?? request.id);
    const recipient = xmlText(o.recipient ?? request.acsUrl);
    const user = current;
    const attribute = (name: string, value: string) =>
      `<saml:Attribute Name="${name}"><saml:AttributeValue>${xmlText(value)}</saml:AttributeValue></saml:Attribute>`;
    const assertion = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${issued}"><saml:Issuer>${xmlText(entityId)}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${xmlText(user.subject)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${inResponseTo}" NotOnOrAfter="${notOnOrAfter}" Recipient="${recipient}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xmlText(o.audience ?? request.issuer)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>${attribute("email", user.email)}${attribute("displayName", user.name)}</saml:AttributeStatement></saml:Assertion>`;
    const destination = xmlText(o.destination ?? request.acsUrl);
    const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomUUID().replaceAll("-", "")}" Version="2.0" IssueInstant="${issued}" Destination="${destination}" InResponseTo="${inResponseTo}"><saml:Issuer>${xmlText(entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
    let xml = o.unsigned
      ? response
      : o.envelopeOnly
        ? sign(response, SAML_IDP_KEY, SAML_IDP_CERT, "Response")
        : o.forged
          ? sign(response, FORGER_KEY, FORGER_CERT)
          : sign(response, SAML_IDP_KEY, SAML_IDP_CERT);
    if (o.tamperEmail) xml = xml.replace(xmlText(user.email), xmlText(o.tamperEmail));
    return {
      acsUrl: request.acsUrl,
      SAMLResponse: Buffer.from(xml, "utf8").toString("base64"),
      RelayState: request.relayState,
      assertionId,
    };
  };

  server.on("request", (req, res) => {
    try {
      const url = new URL(req.url ?? "/", base);
      if (url.pathname !== "/sso") {
        res.writeHead(404).end();
        return;
      }
      const a = answer(url.toString());
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><html><body><form method="post" action="${xmlText(a.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${a.SAMLResponse}"><input type="hidden" name="RelayState" value="${xmlText(a.RelayState)}"><noscript><button>Continue</button></noscript></form><script>document.forms[0].submit()</script></body></html>`,
      );
    } catch (error) {
      res.writeHead(400).end((error as Error).message);
    }
  });

  return {
    entityId,
    ssoUrl: `${base}/sso`,
    certificate: SAML_IDP_CERT,
    signInAs(user) {
      current = user;
    },
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
