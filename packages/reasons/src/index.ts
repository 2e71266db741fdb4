/**
 * Every reason Roster can answer an error with (`error.data.reason`), and the HTTP status it comes
 * with. The server throws only these, the SDK and widgets are typed by them, and README's table of
 * reasons is checked against this list. This module has no dependencies, so clients may load it.
 */
export const ROSTER_ERROR_STATUS = {
  // Answered by the HTTP layer and the error formatter, for any procedure.
  VALIDATION: 400,
  BAD_REQUEST: 400,
  BATCH_TOO_LARGE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  TRY_AGAIN: 503,

  // Credentials and callers.
  INVALID_CREDENTIALS: 401,
  INVALID_SESSION: 401,
  SESSION_EXPIRED: 401,
  INVALID_API_KEY: 401,
  INVALID_HOST_KEY: 401,
  HOST_KEY_REQUIRED: 401,
  API_KEY_NOT_ALLOWED: 403,

  // Embedding: host keys, embed tokens and linked identities.
  EMBED_SCOPE_MISSING: 403,
  EMBED_TOKEN_ORG_BOUND: 403,
  EMBED_LINK_REQUIRED: 409,
  EXTERNAL_ID_LINKED: 409,
  INVALID_HOST_URL: 400,
  REDIRECT_URL_NOT_ALLOWED: 400,

  // Accounts.
  EMAIL_TAKEN: 409,
  EMAIL_UNCHANGED: 400,
  INVALID_PASSWORD: 400,
  CONFIRMATION_MISMATCH: 400,
  INVALID_TOKEN: 400,
  TOKEN_EXPIRED: 400,
  USER_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  DEV_MAILBOX_DISABLED: 404,

  // Organizations, ownership and seats.
  ORG_NOT_FOUND: 404,
  MEMBERSHIP_DEACTIVATED: 403,
  PERMISSION_DENIED: 403,
  SLUG_TAKEN: 409,
  SINGLE_ORGANIZATION: 409,
  SEAT_LIMIT: 409,
  LAST_OWNER: 409,
  OWNER_REQUIRED: 403,
  ALREADY_OWNER: 400,
  NOT_A_MEMBER: 400,
  INVALID_NEW_OWNER: 400,

  // Members.
  MEMBER_NOT_FOUND: 404,
  MEMBER_OUTRANKS_YOU: 403,
  CANNOT_DEACTIVATE_SELF: 400,
  TRANSFER_REQUIRED: 409,
  INVALID_TRANSFER_TARGET: 400,

  // Invitations.
  INVITATION_NOT_FOUND: 404,
  INVITATION_NOT_PENDING: 409,
  INVITATION_EXPIRED: 409,
  INVITATION_REVOKED: 409,
  INVITATION_DECLINED: 409,
  INVITATION_ALREADY_ACCEPTED: 409,
  ALREADY_MEMBER: 409,
  EMAIL_NOT_VERIFIED: 403,
  EMAIL_MISMATCH: 403,

  // Roles.
  ROLE_NOT_FOUND: [400, 404],
  ROLE_EXISTS: 409,
  ROLE_IN_USE: 409,
  ROLE_NOT_ALLOWED: 403,
  BUILT_IN_ROLE: 400,
  INVALID_PERMISSION: 400,

  // Workspaces and groups.
  WORKSPACE_NOT_FOUND: 404,
  PARENT_NOT_FOUND: 404,
  WORKSPACE_NAME_TAKEN: 409,
  WORKSPACE_CYCLE: 400,
  WORKSPACE_TOO_DEEP: 400,
  WORKSPACE_HAS_CHILDREN: 409,
  WORKSPACE_NOT_EMPTY: 409,
  GRANT_NOT_FOUND: 404,
  OWNER_NOT_GRANTABLE: 400,
  GROUP_NOT_FOUND: 404,
  GROUP_NAME_TAKEN: 409,
  GROUP_MEMBER_NOT_FOUND: 404,

  // Service accounts and API keys.
  SERVICE_ACCOUNT_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  OWNER_NOT_ALLOWED: 400,

  // Settings and stored secrets.
  SETTING_NOT_FOUND: 404,
  SEALED_WITH_UNKNOWN_KEY: 412,

  // Resources and usage.
  RESOURCE_NOT_FOUND: 404,
  RESOURCE_TERMINATED: 409,
  INVALID_STATE_TRANSITION: 409,
  CREDITS_EXHAUSTED: 409,
  INVALID_OWNER: 400,
  IDEMPOTENCY_KEY_REUSED: 409,
  INVALID_RANGE: 400,
  INVALID_CURSOR: 400,

  // Webhooks.
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_LIMIT: 409,
  INVALID_WEBHOOK_URL: 400,
  DELIVERY_NOT_FOUND: 404,

  // Verified domains.
  DOMAIN_NOT_FOUND: 404,
  INVALID_DOMAIN: 400,
  PUBLIC_MAIL_DOMAIN: 400,
  DOMAIN_ALREADY_ADDED: 409,
  DOMAIN_TAKEN: 409,
  DOMAIN_LIMIT: 409,
  DOMAIN_NOT_VERIFIED: 400,
  DOMAIN_ADDRESS_REQUIRED: 403,
  DOMAIN_NEEDS_VERIFIED_MEMBER: 409,

  // Join requests.
  JOIN_REQUEST_NOT_FOUND: 404,
  JOIN_REQUEST_CLOSED: 409,

  // Single sign-on.
  SSO_REQUIRED: 403,
  SSO_NOT_AVAILABLE: 404,
  SSO_CONNECTION_NOT_FOUND: 404,
  INVALID_SSO_SETTINGS: 400,
  SSO_PROVIDER_UNREACHABLE: 400,
  SSO_FLOW_INVALID: 400,
  SSO_NONCE_MISMATCH: 400,
  SSO_SIGNATURE_INVALID: 400,
  SSO_AUDIENCE_MISMATCH: 400,
  SSO_RECIPIENT_MISMATCH: 400,
  SSO_ASSERTION_EXPIRED: 400,
  SSO_ASSERTION_REPLAYED: 400,
  SSO_RESPONSE_INVALID: 400,
  SSO_EMAIL_NOT_ALLOWED: 403,

  // Events.
  EVENT_NOT_FOUND: 404,

  // SCIM provisioning.
  INVALID_SCIM_TOKEN: 401,
  SCIM_TOKEN_NOT_FOUND: 404,
  SCIM_RESOURCE_EXISTS: 409,
  OWNER_NOT_PROVISIONABLE: 400,
} as const satisfies Record<string, number | readonly number[]>;

/** A reason a Roster error carries in `error.data.reason`. */
export type RosterErrorReason = keyof typeof ROSTER_ERROR_STATUS;

/** Every reason, in the order above. */
export const ROSTER_ERROR_REASONS = Object.keys(ROSTER_ERROR_STATUS) as readonly RosterErrorReason[];

type Statuses<T> = T extends readonly (infer S)[] ? S : T;

/** The reasons that may come with HTTP status `S`. */
export type RosterErrorReasonWithStatus<S extends number> = {
  [R in RosterErrorReason]: S extends Statuses<(typeof ROSTER_ERROR_STATUS)[R]> ? R : never;
}[RosterErrorReason];

/** Whether `value` is a reason Roster answers with (for data read off the wire). */
export function isRosterErrorReason(value: unknown): value is RosterErrorReason {
  return typeof value === "string" && Object.hasOwn(ROSTER_ERROR_STATUS, value);
}
export { isEmailAddress } from "./email.js";
