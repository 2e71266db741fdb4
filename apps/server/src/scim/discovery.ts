/**
 * What the SCIM service says about itself (RFC 7644 §4, RFC 7643 §5–7): ServiceProviderConfig,
 * Schemas and ResourceTypes, built for one base URL.
 */
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** Most resources one list answer holds. */
export const MAX_RESULTS = 200;

type Attr = Record<string, unknown>;

function attr(
  name: string,
  options: {
    type?: string;
    multiValued?: boolean;
    required?: boolean;
    mutability?: string;
    uniqueness?: string;
    subAttributes?: Attr[];
    caseExact?: boolean;
  } = {},
): Attr {
  return {
    name,
    type: options.type ?? "string",
    multiValued: options.multiValued ?? false,
    description: name,
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? "readWrite",
    returned: "default",
    uniqueness: options.uniqueness ?? "none",
    ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
  };
}

const multi = (name: string, subs: string[]) =>
  attr(name, { type: "complex", multiValued: true, subAttributes: subs.map((s) => attr(s)) });

export function schemas(base: string): Record<string, unknown>[] {
  const schema = (id: string, name: string, attributes: Attr[]) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id,
    name,
    description: name,
    attributes,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${id}` },
  });
  return [
    schema(USER_SCHEMA, "User", [
      attr("userName", { required: true, uniqueness: "server" }),
      attr("externalId", { caseExact: true }),
      attr("name", {
        type: "complex",
        subAttributes: [
          "formatted",
          "familyName",
          "givenName",
          "middleName",
          "honorificPrefix",
          "honorificSuffix",
        ].map((s) => attr(s)),
      }),
      attr("displayName"),
      attr("nickName"),
      attr("title"),
      attr("userType"),
      attr("preferredLanguage"),
      attr("locale"),
      attr("timezone"),
      attr("active", { type: "boolean" }),
      multi("emails", ["value", "type", "primary", "display"]),
      multi("phoneNumbers", ["value", "type", "primary"]),
      multi("addresses", [
        "formatted",
        "streetAddress",
        "locality",
        "region",
        "postalCode",
        "country",
        "type",
      ]),
      attr("groups", {
        type: "complex",
        multiValued: true,
        mutability: "readOnly",
        subAttributes: [attr("value"), attr("display"), attr("$ref", { type: "reference" })],
      }),
    ]),
    schema(GROUP_SCHEMA, "Group", [
      attr("displayName", { required: true, uniqueness: "server" }),
      attr("externalId", { caseExact: true }),
      multi("members", ["value", "display", "$ref"]),
    ]),
    schema(ENTERPRISE_SCHEMA, "EnterpriseUser", [
      attr("employeeNumber"),
      attr("costCenter"),
      attr("organization"),
      attr("division"),
      attr("department"),
      attr("manager", { type: "complex", subAttributes: [attr("value"), attr("displayName")] }),
    ]),
  ];
}

export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A person in the organization",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A group of the organization",
      schema: GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description:
          "A SCIM token created in the organization's security settings, sent as Authorization: Bearer.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}
