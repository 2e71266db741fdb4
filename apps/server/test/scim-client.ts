/** A SCIM client as identity providers are: raw HTTP with a bearer token, JSON in and out. */
export interface ScimAnswer {
  status: number;
  contentType: string | null;
  body: Record<string, unknown> & {
    Resources?: Record<string, unknown>[];
    totalResults?: number;
    id?: string;
    status?: string;
    scimType?: string;
    detail?: string;
  };
}

export function scimClient(url: string, token: string | null) {
  const call = async (method: string, path: string, body?: unknown): Promise<ScimAnswer> => {
    const res = await fetch(`${url}/scim/v2${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/scim+json" } : {}),
        "user-agent": "Scim-Test/1.0",
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get("content-type"),
      body: text ? JSON.parse(text) : {},
    };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown) => call("POST", path, body),
    put: (path: string, body: unknown) => call("PUT", path, body),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    delete: (path: string) => call("DELETE", path),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** The user Microsoft Entra's provisioning service POSTs (from its SCIM request examples). */
export function entraUser(n: number, domain: string) {
  return {
    schemas: [USER, ENTERPRISE],
    externalId: `entra-${n}`,
    userName: `user${n}@${domain}`,
    active: true,
    emails: [{ primary: true, type: "work", value: `user${n}@${domain}` }],
    meta: { resourceType: "User" },
    name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
    roles: [],
    [ENTERPRISE]: { department: "Engineering", employeeNumber: String(1000 + n) },
  };
}

/** The user Okta POSTs (from Okta's SCIM 2.0 test requests). */
export function oktaUser(n: number, domain: string) {
  return {
    schemas: [USER],
    userName: `okta${n}@${domain}`,
    name: { givenName: `Okta${n}`, familyName: "Person" },
    emails: [{ primary: true, value: `okta${n}@${domain}`, type: "work" }],
    displayName: `Okta${n} Person`,
    locale: "en-US",
    externalId: `00u${n}abcdefg`,
    groups: [],
    password: "ignored-1A!",
    active: true,
  };
}
