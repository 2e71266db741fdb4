import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** A timestamp column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column the database fills in on insert. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, string>;

export type UserKind = "person" | "service_account";

export interface UsersTable {
  id: Generated<string>;
  kind: ColumnType<UserKind, UserKind | undefined, never>;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified_at: Timestamp | null;
  last_active_org_id: string | null;
  /** The host product that made this account (an embedded account); its emails link to the host. */
  host_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: Uint8Array;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  user_agent: string | null;
  ip: string | null;
  kind: ColumnType<SessionKind, SessionKind | undefined, SessionKind>;
  /** What an embed session may do; null for a person's own sessions (everything). */
  scopes: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** The one organization an embed session may act in, if the host bound it to one. */
  org_id: ColumnType<string | null, string | null | undefined, string | null>;
  host_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  external_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** How the session was authenticated: `password`, `password+totp`, `passkey`, `embed`… */
  auth_method: ColumnType<string, string | undefined, string>;
  /** Two factors were proven (or a passkey with user verification); what an organization may require. */
  two_factor: ColumnType<boolean, boolean | undefined, boolean>;
  /** The longest pause between two recorded uses (last_seen_at writes), in seconds. */
  longest_idle_seconds: ColumnType<number, number | undefined, number>;
  /** The organization whose identity provider made the session (single sign-on); null otherwise. */
  sso_org_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type SessionKind = "browser" | "embed";

export interface HostApiKeysTable {
  id: string;
  name: string;
  secret_hash: Uint8Array;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** The host's accept-invitation page, with `{token}` where the invitation token goes. */
  accept_invitation_url: ColumnType<string | null, string | null | undefined, string | null>;
  reset_password_url: ColumnType<string | null, string | null | undefined, string | null>;
  verify_email_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** URLs (exact, or prefixes ending in `*`) an invitation or link may send people back to. */
  redirect_urls: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ExternalIdentitiesTable {
  host_key_id: string;
  external_user_id: string;
  user_id: string;
  created_at: Timestamp;
}

/** A host asked to reach an existing account; the emailed token, opened by its owner, links it. */
export interface IdentityLinksTable {
  id: Generated<string>;
  host_key_id: string;
  external_user_id: string;
  user_id: string;
  email: string;
  token_hash: Uint8Array;
  redirect_url: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export type EmailTokenKind = "verify_email" | "reset_password";

export interface EmailTokensTable {
  id: Generated<string>;
  user_id: string;
  kind: EmailTokenKind;
  email: string;
  token_hash: Uint8Array;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export type OutboxKind = "email" | "webhook";
export type OutboxStatus = "pending" | "sent" | "dead";

export interface OutboxTable {
  id: Generated<string>;
  kind: OutboxKind;
  idempotency_key: string;
  /** What the message waits on: an email's recipient (lower case), a webhook's endpoint id. */
  lane_key: string | null;
  payload: Json;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface DevMailboxTable {
  id: Generated<string>;
  outbox_id: string | null;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string | null;
  created_at: Timestamp;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  personal: ColumnType<boolean, boolean | undefined, boolean>;
  metadata: Json;
  seat_limit: number | null;
  /** Members must sign in with two factors to act in the organization. */
  require_two_factor: ColumnType<boolean, boolean | undefined, boolean>;
  /** Sessions older than this (since signing in) are refused here; null: no limit. */
  session_max_age_minutes: ColumnType<number | null, number | null | undefined, number | null>;
  /** Sessions that paused longer than this are refused here; null: no limit. */
  session_idle_minutes: ColumnType<number | null, number | null | undefined, number | null>;
  /** The ways of signing in accepted here (password, passkey, sso, google…); null: every one. */
  allowed_sign_in_methods: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RolesTable {
  org_id: string;
  key: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  permissions: string[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MembershipStatus = "active" | "deactivated";

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: string;
  status: MembershipStatus;
  metadata: Json;
  invited_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deactivated_at: Timestamp | null;
}

export type InvitationStatus = "pending" | "accepted" | "declined" | "revoked";

export interface InvitationsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: string;
  status: InvitationStatus;
  token_hash: Uint8Array;
  token_sealed: string;
  metadata: Json;
  inviter_id: string | null;
  expires_at: Timestamp;
  send_count: ColumnType<number, number | undefined, number>;
  last_sent_at: Timestamp;
  responded_by: string | null;
  responded_at: Timestamp | null;
  /** The expiry `invitation.expired` was published for; renewing the invitation makes it stale. */
  expiry_published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The host product whose embed token made it: its link lands on the host's page. */
  host_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A redirect URL from a host's list, named when inviting: the link lands there. */
  redirect_url: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ResourcesTable {
  id: Generated<string>;
  org_id: string;
  owner_id: string | null;
  type: string;
  name: string;
  state: ResourceState;
  workspace_id: string | null;
  metadata: Json;
  /** The key the creating request carried: a retry with it returns this resource. */
  idempotency_key: string | null;
  /** Since when it runs (null unless running): stopping charges the time since then. */
  running_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Who started it last; charged for its running time when it has no owner. */
  started_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ResourceState = "running" | "stopped" | "terminated";

/** numeric columns: read as strings (exact), written as numbers or strings. */
type Numeric = ColumnType<string, string | number, string | number>;

export interface WorkspacesTable {
  id: Generated<string>;
  org_id: string;
  parent_id: string | null;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  org_id: string;
  group_id: string;
  user_id: string;
  added_by: string | null;
  created_at: Timestamp;
}

/** Exactly one of user_id, group_id, invitation_id is set. */
export interface WorkspaceGrantsTable {
  id: Generated<string>;
  org_id: string;
  workspace_id: string;
  user_id: string | null;
  group_id: string | null;
  invitation_id: string | null;
  role: string;
  granted_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ServiceAccountsTable {
  user_id: string;
  org_id: string;
  description: ColumnType<string, string | undefined, string>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  secret_hash: Uint8Array;
  secret_last4: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface OrgSettingsTable {
  org_id: string;
  key: string;
  secret: boolean;
  /** The value of a plain setting (JSON); null for a secret. */
  value: ColumnType<unknown, string | null, string | null>;
  /** The AES-256-GCM ciphertext of a secret; null for a plain setting. */
  secret_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface UsageEventsTable {
  id: Generated<string>;
  org_id: string;
  idempotency_key: string;
  user_id: string | null;
  resource_id: string | null;
  workspace_id: string | null;
  quantity: Numeric;
  unit: string;
  credits: ColumnType<string, string | number | undefined, string | number>;
  occurred_at: Timestamp;
  metadata: Json;
  recorded_by: string | null;
  created_at: Timestamp;
}

export interface CreditGrantsTable {
  id: Generated<string>;
  org_id: string;
  amount: Numeric;
  reason: ColumnType<string, string | undefined, string>;
  idempotency_key: string | null;
  granted_by: string | null;
  created_at: Timestamp;
}

export type WebhookEndpointStatus = "active" | "disabled";

export interface WebhookEndpointsTable {
  id: Generated<string>;
  org_id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  events: string[];
  secret_sealed: string;
  status: WebhookEndpointStatus;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  org_id: string;
  endpoint_id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  org_id: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: Json;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
}

/** What happened to organizations as a whole; rows outlive the organization they name. */
export interface DeploymentAuditEventsTable {
  id: Generated<string>;
  org_id: string;
  actor_id: string | null;
  action: string;
  data: Json;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
}

export type DomainStatus = "pending" | "verified";
export type DomainVerificationMethod = "dns" | "email";
export type DomainEnrollment = "off" | "invitation" | "suggestion";

/** A domain an organization claims; verified ones belong to one organization at a time. */
export interface OrgDomainsTable {
  id: Generated<string>;
  org_id: string;
  domain: string;
  status: DomainStatus;
  verification_token: string;
  verification_method: DomainVerificationMethod | null;
  verified_at: Timestamp | null;
  verified_by: string | null;
  last_checked_at: Timestamp | null;
  next_check_at: Timestamp | null;
  check_failures: ColumnType<number, number | undefined, number>;
  enrollment: ColumnType<DomainEnrollment, DomainEnrollment | undefined, DomainEnrollment>;
  default_role: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A published event, kept for the events feed (read in `(xid, seq)` order). */
export interface EventsTable {
  seq: Generated<string>;
  id: string;
  /** The writing transaction's id (`xid8`, as text). */
  xid: Generated<string>;
  /** The oldest transaction running when the event was written. */
  overlap_xid: Generated<string>;
  org_id: string;
  type: string;
  payload: Json;
  created_at: Timestamp;
}

export type JoinRequestStatus = "pending" | "approved" | "rejected" | "withdrawn";

/** A person's request to join an organization through one of its verified domains. */
export interface JoinRequestsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  email: string;
  domain: string;
  status: JoinRequestStatus;
  role: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An organization's SCIM bearer token; `actor_id` is the account its changes are recorded under. */
export interface ScimTokensTable {
  id: string;
  org_id: string;
  actor_id: string;
  name: string;
  secret_hash: Uint8Array;
  secret_last4: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** How SCIM provisions into an organization: the role a provisioned member gets. */
export interface ScimConnectionsTable {
  org_id: string;
  default_role: ColumnType<string, string | undefined, string>;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** What the identity provider says about a member (one row per provisioned membership). */
export interface ScimUsersTable {
  org_id: string;
  user_id: string;
  user_name: string;
  external_id: string | null;
  profile: Json;
  /** The account was made by this provisioning, so the provider may rename it. */
  created_account: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A group the identity provider manages, and the role its members get (if mapped). */
export interface ScimGroupsTable {
  group_id: string;
  org_id: string;
  external_id: string | null;
  role: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SsoProtocol = "oidc" | "saml";

/** An organization's identity provider (one per organization). */
export interface SsoConnectionsTable {
  id: Generated<string>;
  org_id: string;
  protocol: SsoProtocol;
  enforced: ColumnType<boolean, boolean | undefined, boolean>;
  default_role: ColumnType<string, string | undefined, string>;
  oidc_issuer: string | null;
  oidc_client_id: string | null;
  /** Sealed with the server key (crypto.ts); never returned. */
  oidc_client_secret_sealed: string | null;
  saml_idp_entity_id: string | null;
  saml_idp_sso_url: string | null;
  saml_idp_certificate: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Who a provider's subject is, in Roster. */
export interface SsoIdentitiesTable {
  connection_id: string;
  subject: string;
  user_id: string;
  email: string;
  created_at: Timestamp;
  last_sign_in_at: Timestamp;
}

/** A sign-in between leaving for the provider and coming back. */
export interface SsoFlowsTable {
  id: string;
  connection_id: string;
  purpose: "sign_in" | "test";
  nonce: string | null;
  code_verifier: string | null;
  saml_request_id: string | null;
  return_to: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type SocialProvider = "google" | "github" | "microsoft";

/** A Google, GitHub or Microsoft identity linked to an account: its subject signs in as that account. */
export interface SocialIdentitiesTable {
  provider: SocialProvider;
  subject: string;
  user_id: string;
  /** The provider's (verified) address when the identity was linked or last signed in. */
  email: string;
  created_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

/** A social sign-in or link between leaving for the provider and coming back. */
export interface SocialFlowsTable {
  id: string;
  provider: SocialProvider;
  purpose: "sign_in" | "link";
  user_id: string | null;
  code_verifier: string;
  nonce: string | null;
  return_to: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** SAML assertion ids already accepted, until they expire (replay defence). */
export interface SsoAssertionsTable {
  connection_id: string;
  assertion_id: string;
  expires_at: Timestamp;
}

/** A person's authenticator app; `confirmed_at` is null until a first code proves the enrollment. */
export interface TotpCredentialsTable {
  user_id: string;
  secret_sealed: string;
  confirmed_at: Timestamp | null;
  /** The last 30-second step a code was accepted for; codes of that step or earlier are refused. */
  last_used_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  created_at: Timestamp;
}

export interface RecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  code_hash: Uint8Array;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface PasskeysTable {
  id: Generated<string>;
  user_id: string;
  credential_id: string;
  public_key: Uint8Array;
  counter: ColumnType<string, string | number | undefined, string | number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  name: string;
  backed_up: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export type AuthChallengeKind = "second_factor" | "passkey_registration" | "passkey_sign_in";

export interface AuthChallengesTable {
  id: Generated<string>;
  kind: AuthChallengeKind;
  user_id: string | null;
  secret_hash: Uint8Array | null;
  challenge: string | null;
  first_factor: string | null;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface Database {
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  auth_challenges: AuthChallengesTable;
  host_api_keys: HostApiKeysTable;
  external_identities: ExternalIdentitiesTable;
  identity_links: IdentityLinksTable;
  organizations: OrganizationsTable;
  roles: RolesTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  resources: ResourcesTable;
  audit_events: AuditEventsTable;
  deployment_audit_events: DeploymentAuditEventsTable;
  org_domains: OrgDomainsTable;
  events: EventsTable;
  join_requests: JoinRequestsTable;
  scim_tokens: ScimTokensTable;
  scim_connections: ScimConnectionsTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  sso_connections: SsoConnectionsTable;
  sso_identities: SsoIdentitiesTable;
  sso_flows: SsoFlowsTable;
  sso_assertions: SsoAssertionsTable;
  social_identities: SocialIdentitiesTable;
  social_flows: SocialFlowsTable;
  workspaces: WorkspacesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  workspace_grants: WorkspaceGrantsTable;
  service_accounts: ServiceAccountsTable;
  api_keys: ApiKeysTable;
  org_settings: OrgSettingsTable;
  usage_events: UsageEventsTable;
  credit_grants: CreditGrantsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  users: UsersTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  rate_limits: RateLimitsTable;
  outbox: OutboxTable;
  dev_mailbox: DevMailboxTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type OutboxMessage = Selectable<OutboxTable>;
export type Organization = Selectable<OrganizationsTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type Role = Selectable<RolesTable>;
export type OrgDomain = Selectable<OrgDomainsTable>;
export type JoinRequest = Selectable<JoinRequestsTable>;
export type SsoConnection = Selectable<SsoConnectionsTable>;
export type Resource = Selectable<ResourcesTable>;
export type Workspace = Selectable<WorkspacesTable>;
export type Group = Selectable<GroupsTable>;
export type WorkspaceGrant = Selectable<WorkspaceGrantsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
