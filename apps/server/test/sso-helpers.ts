import { freePort } from "@roster/testing";
import { SESSION_COOKIE } from "../src/auth/cookies.js";
import { SSO_FLOW_COOKIE } from "../src/sso-routes.js";
import { PASSWORD, type SignedUpPerson, startTestServer, type TestServer } from "./helpers.js";
import { personalOrg, verifiedPerson } from "./people.js";

/** A test server whose PUBLIC_URL is its own address, so identity providers can send browsers back. */
export async function startSsoTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  return startTestServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
}

/** An organization owned by someone on `domain`, with the domain verified by the owner's address. */
export async function orgOnDomain(
  t: TestServer,
  domain: string,
): Promise<{ owner: SignedUpPerson; orgId: string; domainId: string }> {
  const owner = await verifiedPerson(t, `Owner of ${domain}`, `owner@${domain}`);
  const orgId = await personalOrg(owner);
  const added = await owner.client.domains.add.mutate({ orgId, domain });
  await owner.client.domains.verify.mutate({ orgId, domainId: added.id, method: "email" });
  return { owner, orgId, domainId: added.id };
}

const setCookies = (res: Response) => res.headers.getSetCookie();

export function cookieValue(res: Response, name: string): string | undefined {
  for (const line of setCookies(res)) {
    const [pair] = line.split(";");
    const eq = pair?.indexOf("=") ?? -1;
    if (pair && eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

/** `sso.start` as the sign-in page calls it: the provider's URL and the flow cookie it sets. */
export async function startSso(
  t: TestServer,
  email: string,
  returnTo?: string,
): Promise<{ url: string; flowCookie: string }> {
  const res = await fetch(`${t.url}/trpc/sso.start`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, ...(returnTo ? { returnTo } : {}) }),
  });
  const body = (await res.json()) as { result?: { data: { url: string } }; error?: unknown };
  if (!body.result) throw new Error(`sso.start failed: ${JSON.stringify(body.error)}`);
  const flowCookie = cookieValue(res, SSO_FLOW_COOKIE);
  if (!flowCookie) throw new Error("sso.start set no flow cookie");
  return { url: body.result.data.url, flowCookie };
}

/**
 * Follows redirects as a browser would (keeping each origin's cookies) from the provider's
 * authorization URL until it is sent back to Roster; returns that URL without opening it.
 */
export async function followProviderRedirects(start: string, back: string): Promise<string> {
  const jar = new Map<string, Map<string, string>>();
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(back)) return url;
    const origin = new URL(url).origin;
    const cookies = jar.get(origin) ?? new Map<string, string>();
    jar.set(origin, cookies);
    const res = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get("location");
    if (!location) throw new Error(`The provider stopped at ${url} with ${res.status}: ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error("Too many redirects");
}

export interface SsoLanding {
  status: number;
  location: string;
  /** The session token Roster set, if it signed someone in. */
  session: string | undefined;
}

export function landing(res: Response): SsoLanding {
  const session = cookieValue(res, SESSION_COOKIE);
  return { status: res.status, location: res.headers.get("location") ?? "", session: session || undefined };
}

/** Opens the OIDC callback URL with the flow cookie, as the browser that started the flow. */
export async function openCallback(callbackUrl: string, flowCookie: string | null): Promise<SsoLanding> {
  const res = await fetch(callbackUrl, {
    redirect: "manual",
    headers: flowCookie ? { cookie: `roster_sso_flow=${flowCookie}` } : {},
  });
  return landing(res);
}

/** Posts a SAML answer to the ACS URL, as the provider's auto-submitting form would. */
export async function postToAcs(answer: {
  acsUrl: string;
  SAMLResponse: string;
  RelayState: string;
}): Promise<SsoLanding> {
  const res = await fetch(answer.acsUrl, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ SAMLResponse: answer.SAMLResponse, RelayState: answer.RelayState }),
  });
  return landing(res);
}

/** Signs in with a password through the API; the error's reason when refused. */
export async function passwordSignIn(t: TestServer, email: string): Promise<string> {
  try {
    await t.client().auth.signIn.mutate({ email, password: PASSWORD });
    return "OK";
  } catch (error) {
    return (error as { data?: { reason: string } }).data?.reason ?? String(error);
  }
}
