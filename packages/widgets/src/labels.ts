import type { RosterErrorReason } from "@roster/sdk";
import { accountLabels } from "./labels-account.js";
import { identityLabels } from "./labels-identity.js";
import { policiesLabels } from "./labels-policies.js";
import { securityLabels } from "./labels-security.js";
import type { MemberStatus } from "./types.js";

/** A reason the widgets can show: one the server answers with, or `NETWORK` when no answer came. */
export type WidgetErrorReason = RosterErrorReason | "NETWORK";

/**
 * What a person reads when Roster refuses something, keyed by the error's stable `reason`. Every
 * reason has one, so a reason added to the server without a sentence here fails to compile.
 */
export const defaultMessages: Record<WidgetErrorReason, string> = {
  VALIDATION: "Some of what you entered is not valid. Check it, then try again.",
  BAD_REQUEST: "Roster could not understand this request. Reload the page, then try again.",
  BATCH_TOO_LARGE: "Too many requests were sent at once. Try again.",
  UNAUTHENTICATED: "You are signed out. Sign in again to continue.",
  FORBIDDEN: "You are not allowed to do this.",
  ORIGIN_NOT_ALLOWED: "This website is not allowed to use Roster. Ask the administrator to allow its origin.",
  NOT_FOUND: "This no longer exists. Reload the page.",
  METHOD_NOT_SUPPORTED: "Roster could not understand this request. Reload the page, then try again.",
  CONFLICT: "Someone changed this at the same time. Try again.",
  PAYLOAD_TOO_LARGE: "That is too much to send at once. Send less, then try again.",
  RATE_LIMITED: "That was done too often just now. Wait a little, then try again.",
  INTERNAL: "Something went wrong on our side. Try again; if it keeps happening, contact support.",
  SERVICE_UNAVAILABLE: "Roster is briefly unavailable. Try again in a moment.",
  DATABASE_UNAVAILABLE: "Roster is briefly unavailable. Nothing was changed; try again in a moment.",
  TRY_AGAIN: "Too many changes were made to the same thing at once. Nothing was changed; try again.",
  NETWORK: "Roster could not be reached. Check your connection, then try again.",

  INVALID_CREDENTIALS: "This email address and password do not match.",
  INVALID_SESSION: "Your session is no longer valid. Sign in again to continue.",
  SESSION_EXPIRED: "Your session has expired. Sign in again to continue.",
  INVALID_API_KEY: "This API key is not valid or was revoked.",
  INVALID_HOST_KEY: "This product's connection to Roster is not valid. Ask its administrator.",
  HOST_KEY_REQUIRED: "Only the product's backend can do this.",
  API_KEY_NOT_ALLOWED: "An API key cannot do this. Sign in as a person instead.",
  EMBED_SCOPE_MISSING: "This product has not been allowed to do this. Ask its administrator.",
  EMBED_TOKEN_ORG_BOUND: "This product is connected to another organization, so it cannot do this here.",
  EMBED_LINK_REQUIRED: "You already have a Roster account. Confirm the link we emailed you to connect it.",
  EXTERNAL_ID_LINKED: "This account is already connected.",
  INVALID_HOST_URL: "This address is not a valid https link with a place for the token.",
  REDIRECT_URL_NOT_ALLOWED: "This product may not send people to that address.",

  EMAIL_TAKEN: "An account already uses this email address. Sign in instead.",
  EMAIL_UNCHANGED: "This is already your email address.",
  INVALID_PASSWORD: "This password is not right. Enter your current password.",
  CONFIRMATION_MISMATCH: "Type your email address exactly as it is to confirm.",
  INVALID_TOKEN: "This link is not valid. Ask for a new one.",
  TOKEN_EXPIRED: "This link has expired or was already used. Ask for a new one.",
  USER_NOT_FOUND: "This account no longer exists.",
  SESSION_NOT_FOUND: "This session has already ended.",
  DEV_MAILBOX_DISABLED: "The development mailbox is not available on this server.",
  MFA_REQUIRED:
    "This organization requires two-factor sign-in. Set up an authenticator app or a passkey to continue.",
  SESSION_POLICY_EXPIRED: "This organization requires you to sign in again.",
  SIGN_IN_METHOD_NOT_ALLOWED:
    "This organization does not accept the way you signed in. Sign out and sign in again with a method it accepts.",
  POLICY_EXCLUDES_OWN_SIGN_IN:
    "This policy would not accept the way you signed in. Include that method, or sign in with an accepted one first.",
  TWO_FACTOR_REQUIRED:
    "Enter the code from your authenticator app, or use your passkey, to finish signing in.",
  INVALID_TWO_FACTOR_CODE:
    "That code is not right, or it was already used. Enter the current code from your app, or a recovery code.",
  SIGN_IN_EXPIRED: "This sign-in took too long. Enter your email and password again.",
  TWO_FACTOR_ALREADY_ENABLED: "An authenticator app is already set up for your account.",
  TWO_FACTOR_NOT_ENABLED: "No authenticator app is set up for your account.",
  PASSKEY_NOT_FOUND: "This passkey no longer exists on your account.",
  PASSKEY_REJECTED: "This passkey could not be verified. Try again, or use another way to sign in.",
  PASSKEY_CHALLENGE_EXPIRED: "The passkey request expired. Try again.",
  PASSKEY_ALREADY_REGISTERED: "This passkey is already registered.",

  ORG_NOT_FOUND: "This organization does not exist, or you are not a member of it.",
  MEMBERSHIP_DEACTIVATED:
    "Your membership in this organization is deactivated. Ask an owner to reactivate it.",
  PERMISSION_DENIED: "Your role does not allow this. Ask an owner or an admin.",
  SLUG_TAKEN: "Another organization already uses this name in its address. Choose a different name.",
  SINGLE_ORGANIZATION: "Your account can belong to one organization only. Leave the current one first.",
  SEAT_LIMIT:
    "There are no free seats left in this organization. Remove someone or ask for more seats, then try again.",
  LAST_OWNER:
    "An organization always needs at least one active owner. Make someone else an owner first, then try again.",
  OWNER_REQUIRED: "Only an owner can change another owner's membership.",
  ALREADY_OWNER: "This member is already an owner.",
  NOT_A_MEMBER: "This person is not an active member of the organization.",
  INVALID_NEW_OWNER: "Ownership can only go to another active person in this organization.",

  MEMBER_NOT_FOUND: "This person is no longer a member. The list has been refreshed.",
  MEMBER_OUTRANKS_YOU:
    "This member's role has permissions yours does not, so you cannot change their membership. Ask an owner.",
  CANNOT_DEACTIVATE_SELF: "You cannot deactivate yourself. Leave the organization instead.",
  TRANSFER_REQUIRED: "Some of these members own resources. Choose who takes them over, then remove again.",
  INVALID_TRANSFER_TARGET: "Resources can only go to an active member who is not being removed.",

  INVITATION_NOT_FOUND: "This invitation no longer exists.",
  INVITATION_NOT_PENDING: "This invitation is no longer open. Send a new one instead.",
  INVITATION_EXPIRED: "This invitation has expired. Ask the organization to send it again.",
  INVITATION_REVOKED: "This invitation was withdrawn. Ask the organization for a new one.",
  INVITATION_DECLINED: "This invitation was declined. Ask the organization for a new one.",
  INVITATION_ALREADY_ACCEPTED: "This invitation was already accepted.",
  ALREADY_MEMBER: "You are already a member of this organization.",
  EMAIL_NOT_VERIFIED:
    "Confirm your email address with the link we sent you. Invitations to it will then appear here.",
  EMAIL_MISMATCH:
    "This invitation was sent to another email address. Sign in with that address to accept it.",

  ROLE_NOT_FOUND: "This role no longer exists. Reload and pick another one.",
  ROLE_EXISTS: "A role with this name already exists. Choose another name.",
  ROLE_IN_USE: "Members or invitations still have this role. Give them another role first.",
  ROLE_NOT_ALLOWED: "You cannot give a role that has permissions your own role does not have.",
  BUILT_IN_ROLE: "Built-in roles cannot be changed or deleted.",
  INVALID_PERMISSION: "One of these permissions does not exist. Reload and pick again.",

  WORKSPACE_NOT_FOUND: "This workspace no longer exists.",
  PARENT_NOT_FOUND: "The parent workspace no longer exists. Pick another one.",
  WORKSPACE_NAME_TAKEN: "Another workspace here already has this name. Choose another name.",
  WORKSPACE_CYCLE: "A workspace cannot be placed inside itself or one of its own workspaces.",
  WORKSPACE_TOO_DEEP: "Workspaces cannot be nested this deep. Choose a parent higher up.",
  WORKSPACE_HAS_CHILDREN: "This workspace still holds other workspaces. Move or delete them first.",
  WORKSPACE_NOT_EMPTY: "This workspace still holds resources. Move or delete them first.",
  GRANT_NOT_FOUND: "This access was already removed.",
  OWNER_NOT_GRANTABLE: "The owner role cannot be given on a workspace.",
  GROUP_NOT_FOUND: "This group no longer exists.",
  GROUP_NAME_TAKEN: "Another group already has this name. Choose another name.",
  GROUP_MEMBER_NOT_FOUND: "This person is no longer in the group.",

  SERVICE_ACCOUNT_NOT_FOUND: "This service account no longer exists.",
  API_KEY_NOT_FOUND: "This API key no longer exists.",
  OWNER_NOT_ALLOWED: "A service account cannot be an owner.",

  SETTING_NOT_FOUND: "This setting is not set.",
  SEALED_WITH_UNKNOWN_KEY: "This was saved with a key the server no longer has. Create it again.",

  RESOURCE_NOT_FOUND: "This resource no longer exists.",
  RESOURCE_TERMINATED: "This resource was terminated and cannot be changed.",
  INVALID_STATE_TRANSITION: "This resource cannot do that in its current state. Reload the page.",
  CREDITS_EXHAUSTED: "The organization has no credits left. Add credits, then start it again.",
  INVALID_OWNER: "Resources can only belong to an active member of this organization.",
  IDEMPOTENCY_KEY_REUSED: "This request was already used to create something else. Try again.",
  INVALID_RANGE: "This date range is not valid. Pick a start before the end.",
  INVALID_CURSOR: "This list changed. Reload it from the start.",

  WEBHOOK_NOT_FOUND: "This webhook no longer exists.",
  DELIVERY_NOT_FOUND: "This delivery is no longer in the webhook's log.",
  EVENT_NOT_FOUND: "This event is no longer kept. Read the feed from its start.",
  INVALID_SCIM_TOKEN: "This SCIM token is not valid or was revoked. Create a new one.",
  SCIM_TOKEN_NOT_FOUND: "This SCIM token no longer exists.",
  SCIM_RESOURCE_EXISTS: "Someone provisioned already has this user name, external id or address.",
  OWNER_NOT_PROVISIONABLE: "Provisioning never makes owners. Choose another role.",
  WEBHOOK_LIMIT: "This organization has as many webhooks as it may. Delete one first.",
  DOMAIN_NOT_FOUND: "This domain is no longer in this organization.",
  INVALID_DOMAIN: "Enter a domain name, like example.com.",
  PUBLIC_MAIL_DOMAIN: "Public mail domains like gmail.com cannot belong to an organization.",
  DOMAIN_ALREADY_ADDED: "This organization already has this domain.",
  DOMAIN_TAKEN: "Another organization has already verified this domain.",
  DOMAIN_LIMIT: "This organization has as many domains as it may. Remove one first.",
  DOMAIN_NOT_VERIFIED: "We could not find the TXT record yet. DNS changes can take a while; try again later.",
  DOMAIN_NEEDS_VERIFIED_MEMBER:
    "Automatic invitations need a member with a confirmed address on this domain. Use suggestions until one joins.",
  JOIN_REQUEST_NOT_FOUND: "This join request no longer exists.",
  JOIN_REQUEST_CLOSED: "This join request was already answered or withdrawn. Reload the page.",
  SSO_REQUIRED: "Your organization signs you in through its identity provider. Use Continue with SSO.",
  SSO_NOT_AVAILABLE: "Single sign-on is not set up for this email address. Sign in with your password.",
  SSO_CONNECTION_NOT_FOUND: "This organization has no single sign-on connection. Set one up first.",
  INVALID_SSO_SETTINGS:
    "A setting of the identity provider is not valid. Check the URLs and the certificate.",
  SSO_PROVIDER_UNREACHABLE:
    "The identity provider could not be reached or did not answer as expected. Check the issuer URL.",
  SSO_FLOW_INVALID: "This sign-in is no longer valid. Start again from the sign-in page.",
  SSO_NONCE_MISMATCH: "The identity provider's answer does not belong to this sign-in. Start again.",
  SSO_SIGNATURE_INVALID:
    "The identity provider's answer is not signed with its certificate. Ask an admin to check the connection.",
  SSO_AUDIENCE_MISMATCH:
    "The identity provider's answer is meant for another application. Ask an admin to check the entity ID.",
  SSO_RECIPIENT_MISMATCH:
    "The identity provider sent this answer to another address. Ask an admin to check the ACS URL.",
  SSO_ASSERTION_EXPIRED: "The identity provider's answer has expired. Sign in again.",
  SSO_ASSERTION_REPLAYED: "This sign-in answer was already used. Sign in again.",
  SSO_RESPONSE_INVALID:
    "The identity provider's answer could not be accepted. Start again, or ask an admin to test the connection.",
  SSO_EMAIL_NOT_ALLOWED:
    "The identity provider gave an email address that is not on this organization's verified domains.",
  SOCIAL_PROVIDER_NOT_CONFIGURED:
    "Sign-in with this provider is not offered here. Use another way to sign in.",
  SOCIAL_FLOW_INVALID: "This sign-in is no longer valid (it expired or was used). Start again.",
  SOCIAL_RESPONSE_INVALID: "The provider's answer could not be accepted. Start again.",
  SOCIAL_EMAIL_NOT_VERIFIED:
    "The provider has not verified your email address. Verify it there, or sign in another way.",
  SOCIAL_LINK_PROOF_REQUIRED:
    "An account with this email address exists. Sign in to it another way, then link the provider from your account's security settings.",
  SOCIAL_IDENTITY_TAKEN: "This provider account is already linked to another Roster account.",
  SOCIAL_IDENTITY_NOT_FOUND: "This linked account no longer exists. Reload the page.",
  LAST_SIGN_IN_METHOD:
    "This is your only way to sign in. Set a password, add a passkey or link another account first.",
  DOMAIN_ADDRESS_REQUIRED:
    "Only an owner whose confirmed email address is on this domain can verify it this way.",
  INVALID_WEBHOOK_URL: "This webhook address cannot be used. Use a public https address.",
};

/**
 * When something refused for a while may be tried again, in a locale's words: "in 42 minutes (at
 * 14:05)", "in 30 seconds".
 */
export function retryWhen(locale: string, seconds: number, now = new Date()): string {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  if (seconds < 60) return relative.format(Math.max(1, Math.ceil(seconds)), "second");
  const at = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(
    new Date(now.getTime() + seconds * 1000),
  );
  return `${relative.format(Math.ceil(seconds / 60), "minute")} (${at})`;
}

const dateFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Every string the widgets show, in English. Pass `labels` to `RosterProvider` to reword or translate. */
export const defaultLabels = {
  ...identityLabels,
  ...securityLabels,
  ...accountLabels,
  ...policiesLabels,
  messages: defaultMessages,
  formatDate: (iso: string): string => dateFormat.format(new Date(iso)),
  status: {
    invited: "Invited",
    active: "Active",
    deactivated: "Deactivated",
    expired: "Expired",
  } satisfies Record<MemberStatus, string>,
  loading: "Loading…",
  retry: "Try again",
  cancel: "Cancel",
  close: "Close",
  working: "Working…",

  // MemberList
  membersTitle: "Members",
  search: "Search",
  searchPlaceholder: "Name or email",
  statusFilter: "Status",
  allStatuses: "All statuses",
  roleFilter: "Role",
  allRoles: "All roles",
  columnName: "Name",
  columnRole: "Role",
  columnStatus: "Status",
  columnDate: "Joined",
  columnActions: "Actions",
  selectAll: "Select all members shown",
  selectMember: (name: string) => `Select ${name}`,
  you: "(you)",
  serviceAccount: "Service account",
  joinedOn: (date: string) => date,
  invitedOn: (date: string) => `Invited ${date}`,
  expiredOn: (date: string) => `Expired ${date}`,
  loadingMembers: "Loading members…",
  noMembers: "No members yet.",
  noMatches: "No one matches these filters.",
  loadMore: "Load more",
  selectedCount: (n: number) => `${n} selected`,
  removeSelected: "Remove selected",
  clearSelection: "Clear selection",
  changeRole: "Change role",
  deactivate: "Deactivate",
  reactivate: "Reactivate",
  remove: "Remove",
  resend: "Resend",
  revoke: "Revoke",
  copyLink: "Copy link",
  changeRoleTitle: (name: string) => `Change ${name}'s role`,
  newRole: "New role",
  save: "Save",
  deactivateTitle: (name: string) => `Deactivate ${name}?`,
  deactivateBody:
    "They keep their seat and role but lose all access until someone reactivates them. You can undo this.",
  removeTitle: (count: number, name: string) =>
    count === 1 ? `Remove ${name}?` : `Remove ${count} members?`,
  removeBody: "They lose access at once and leave the organization. This cannot be undone.",
  transferLabel: "Who takes over their resources?",
  ownsResources: (names: string[]) =>
    `${names.length === 1 ? "They own 1 resource" : `They own ${names.length} resources`}: ${names.join(", ")}.`,
  removedWithHandover: (count: number, moved: number, heir: string) =>
    `${count === 1 ? "1 member was removed" : `${count} members were removed`}; ${moved === 1 ? "1 resource" : `${moved} resources`} moved to ${heir}.`,
  transferAndRemove: "Transfer and remove",
  revokeTitle: (email: string) => `Revoke the invitation to ${email}?`,
  revokeBody: "The link in the email stops working. You can invite them again later.",
  roleChanged: (name: string, role: string) => `${name} is now ${role}.`,
  deactivated: (name: string) => `${name} was deactivated.`,
  reactivated: (name: string) => `${name} was reactivated.`,
  removed: (count: number) => (count === 1 ? "1 member was removed." : `${count} members were removed.`),
  resent: (email: string) => `The invitation to ${email} was sent again.`,
  /** A refused resend: `when` is `formatRetry`'s answer. */
  resendTooSoon: (email: string, when: string) =>
    `The invitation to ${email} was sent several times in the last hour. You can send it again ${when}.`,
  formatRetry: (seconds: number): string => retryWhen("en", seconds),
  declinedTitle: "Declined invitations",
  declinedInvitation: (email: string, role: string, date: string) =>
    `${email} declined the invitation to join as ${role} (invited ${date}).`,
  revoked: (email: string) => `The invitation to ${email} was revoked.`,
  linkCopied: "The invitation link was copied.",
  linkNotCopied: (url: string) => `Copy this link: ${url}`,

  // InviteForm
  inviteTitle: "Invite people",
  emailsLabel: "Email addresses",
  emailsHint: "Separate addresses with commas, spaces or new lines.",
  emailsToInvite: "Addresses to invite",
  removeEmail: (email: string) => `Remove ${email}`,
  invalidEmail: "not a valid address",
  invalidCount: (n: number) =>
    n === 1
      ? "1 address is not valid and will not be invited."
      : `${n} addresses are not valid and will not be invited.`,
  inviteRole: "Role",
  sendInvitations: "Send invitations",
  noEmails: "Enter at least one email address.",
  inviteResults: "Results",
  result: {
    invited: "Invited",
    already_member: "Already a member",
    already_invited: "Already invited",
    invalid: "Not a valid address",
  } satisfies Record<"invited" | "already_member" | "already_invited" | "invalid", string>,
  /** What became of an invitation the results list, as it is now. */
  invitationNow: {
    pending: "Invited",
    expired: "Expired",
    accepted: "Accepted",
    declined: "Declined",
    revoked: "Revoked",
  } satisfies Record<"pending" | "expired" | "accepted" | "declined" | "revoked", string>,
  sentTimes: (count: number) => `sent ${count} times`,
  invitedSummary: (invited: number, total: number) =>
    `${invited} of ${total} ${total === 1 ? "address was" : "addresses were"} invited.`,
  cannotInvite: "Your role does not allow inviting people.",

  // AcceptBanner
  invitationsTitle: "Invitations",
  invitationText: (inviter: string | null, organization: string, role: string) =>
    inviter
      ? `${inviter} invited you to join ${organization} as ${role}.`
      : `You are invited to join ${organization} as ${role}.`,
  accept: "Accept",
  decline: "Decline",
  accepted: (organization: string) => `You joined ${organization}.`,
  declined: (organization: string) => `You declined the invitation to ${organization}.`,

  // AcceptInvitation
  joinTitle: (organization: string) => `Join ${organization}`,
  invitationFor: (email: string) => `This invitation is for ${email}.`,
  signInToAccept: "Sign in with this address to accept the invitation.",
  signUpToAccept: "Create your account with this address to accept the invitation.",
  signIn: "Sign in",
  signUp: "Create account",
  signedInAsOther: (email: string) =>
    `You are signed in as ${email}. Sign in with the invited address to accept.`,
  signInOther: "Sign in with another account",
  loadingInvitation: "Loading the invitation…",

  // OrganizationSwitcher and CreateOrganization
  organization: "Organization",
  switchOrganization: "Switch organization",
  manageOrganization: "Manage organization",
  noOrganizations: "You are not in any organization yet.",
  switched: (name: string) => `Switched to ${name}.`,
  createTitle: "Create an organization",
  organizationName: "Organization name",
  create: "Create organization",
  created: (name: string) => `${name} was created.`,
  nameRequired: "Enter a name for the organization.",

  /** Names of the built-in roles; custom roles keep the name the organization gave them. */
  roles: { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" } as Record<string, string>,

  // OrganizationProfile
  profileTitle: "Organization settings",
  slugLabel: "URL name",
  slugHint: "Lowercase letters, digits and hyphens.",
  logoUrlLabel: "Logo URL",
  logoAlt: (name: string) => `${name} logo`,
  saveChanges: "Save changes",
  saved: "Changes saved.",
  noChanges: "Nothing has changed.",
  readOnlyProfile: "Your role does not allow changing these settings.",
  transferTitle: "Transfer ownership",
  transferBody: "Make another member an owner of this organization.",
  newOwner: "New owner",
  chooseMember: "Choose a member",
  transfer: "Transfer",
  transferConfirmTitle: (name: string) => `Make ${name} an owner?`,
  transferConfirmBody: "They get full control of the organization, including deleting it.",
  transferred: (name: string) => `${name} is now an owner.`,
  leaveTitle: "Leave organization",
  leaveBody: "You lose access to this organization until someone invites you again.",
  leave: "Leave",
  leaveConfirmTitle: (name: string) => `Leave ${name}?`,
  left: (name: string) => `You left ${name}.`,
  deleteTitle: "Delete organization",
  deleteBody:
    "Deletes the organization, its members' access, roles, settings and audit log. This cannot be undone.",
  deleteOrganization: "Delete organization",
  deleteConfirmTitle: (name: string) => `Delete ${name}?`,
  deleteConfirmLabel: (name: string) => `Type ${name} to confirm`,
  deleted: (name: string) => `${name} was deleted.`,
  loadingOrganization: "Loading the organization…",

  // ApiKeys
  apiKeysTitle: "API keys",
  serviceAccountsIntro:
    "Service accounts are members that are not people. Their API keys call Roster for them.",
  noServiceAccounts: "No service accounts yet.",
  loadingServiceAccounts: "Loading service accounts…",
  columnKeys: "Keys",
  keyCount: (n: number) => (n === 1 ? "1 key" : `${n} keys`),
  newServiceAccount: "New service account",
  serviceAccountName: "Name",
  createServiceAccount: "Create service account",
  serviceAccountCreated: (name: string) => `${name} was created.`,
  showKeys: (name: string) => `Keys of ${name}`,
  deleteServiceAccount: (name: string) => `Remove ${name}`,
  deleteServiceAccountTitle: (name: string) => `Delete ${name}?`,
  deleteServiceAccountBody: "Its keys stop working at once. This cannot be undone.",
  serviceAccountDeleted: (name: string) => `${name} was deleted.`,
  keysOf: (name: string) => `API keys of ${name}`,
  noKeys: "No keys yet.",
  columnKey: "Key",
  columnCreated: "Created",
  columnLastUsed: "Last used",
  never: "Never",
  revokedOn: (date: string) => `Revoked ${date}`,
  keyName: "Key name",
  keyNameHint: "Where the key is used, such as “CI”.",
  createKey: "Create key",
  newKeyTitle: "Your new API key",
  newKeyBody: "Copy it now: it is shown only once. Store it as a secret.",
  copyKey: "Copy key",
  keyCopied: "The key was copied.",
  keyNotCopied: "Select the key and copy it.",
  done: "Done",
  revokeKey: (name: string) => `Revoke ${name}`,
  revokeKeyTitle: (name: string) => `Revoke the key ${name}?`,
  revokeKeyBody: "Anything using it is refused from now on. This cannot be undone.",
  keyRevoked: (name: string) => `The key ${name} was revoked.`,
  keyCreated: (name: string) => `The key ${name} was created.`,
  cannotManageKeys: "Your role does not allow managing service accounts and keys.",

  // AuditLog
  auditTitle: "Audit log",
  actorFilter: "Actor",
  anyone: "Anyone",
  actionFilter: "Action",
  actionPlaceholder: "e.g. member.joined",
  targetFilter: "Target type",
  anyTarget: "Any target",
  fromDate: "From",
  toDate: "To",
  clearFilters: "Clear filters",
  allTargets: "Show all targets",
  onlyTarget: (target: string) => `Only ${target}`,
  showOnlyTarget: (target: string) => `Show only entries about ${target}`,
  columnWhen: "When",
  columnActor: "Actor",
  columnAction: "Action",
  columnTarget: "Target",
  columnWhat: "What happened",
  /** One sentence per recorded action; an action without one shows as "actor: action". */
  auditSentences: {
    "member.invited": (p) => `${p.actor} invited ${p.target} as ${p.role}`,
    "member.joined": (p) => `${p.target} joined as ${p.role}`,
    "member.role_changed": (p) => `${p.actor} changed ${p.target}’s role from ${p.from} to ${p.to}`,
    "member.deactivated": (p) => `${p.actor} deactivated ${p.target}`,
    "member.reactivated": (p) => `${p.actor} reactivated ${p.target}`,
    "member.removed": (p) =>
      `${p.actor} removed ${p.target}${p.person ? `; ${p.person} took over their resources` : ""}`,
    "member.left": (p) =>
      `${p.target} left the organization${p.person ? `; ${p.person} took over their resources` : ""}`,
    "invitation.resent": (p) => `${p.actor} resent the invitation to ${p.target}`,
    "invitation.revoked": (p) => `${p.actor} revoked the invitation to ${p.target}`,
    "invitation.declined": (p) => `${p.target} declined the invitation`,
    "org.ownership_transferred": (p) => `${p.actor} made ${p.target} the owner`,
    "resource.created": (p) => `${p.actor} created ${p.target}`,
    "resource.deleted": (p) => `${p.actor} deleted ${p.target}`,
    "resource.state_changed": (p) =>
      `${p.actor} ${p.verb} ${p.target}${p.person ? ` (running time charged to ${p.person})` : ""}`,
    "resource.transferred": (p) => `${p.target} went from ${p.from} to ${p.to}`,
    "credits.granted": (p) => `${p.actor} added ${p.amount} credits`,
  } as AuditSentences,
  resourceVerbs: { start: "started", stop: "stopped", terminate: "terminated" } as Record<string, string>,
  formerMember: "a former member",
  system: "Roster",
  loadingAudit: "Loading the audit log…",
  noEvents: "Nothing has been recorded yet.",
  noEventsMatch: "No entries match these filters.",
  formatDateTime: (iso: string): string => dateTimeFormat.format(new Date(iso)),
};

export type Labels = typeof defaultLabels;

/** The names and values an audit sentence is made of, already in words. */
export interface AuditSentenceParts {
  actor: string;
  target: string;
  role: string;
  from: string;
  to: string;
  /** Who took resources over, or who was charged for running time. */
  person: string;
  verb: string;
  amount: string;
}
export type AuditSentences = Partial<Record<string, (parts: AuditSentenceParts) => string>>;

/** What a host passes: any subset of the labels; `messages`, `status`, `result` and `invitationNow` merge key by key. */
export type LabelOverrides = Partial<
  Omit<Labels, "messages" | "status" | "result" | "invitationNow" | "roles">
> & {
  messages?: Partial<Record<WidgetErrorReason, string>>;
  status?: Partial<Labels["status"]>;
  result?: Partial<Labels["result"]>;
  invitationNow?: Partial<Labels["invitationNow"]>;
  roles?: Record<string, string>;
};

/** `base` (English unless a locale is chosen) with the host's overrides on top. */
export function mergeLabels(overrides: LabelOverrides | undefined, base: Labels = defaultLabels): Labels {
  if (!overrides) return base;
  return {
    ...base,
    ...overrides,
    messages: { ...base.messages, ...overrides.messages },
    status: { ...base.status, ...overrides.status },
    result: { ...base.result, ...overrides.result },
    invitationNow: { ...base.invitationNow, ...overrides.invitationNow },
    roles: { ...base.roles, ...overrides.roles },
  };
}

/** A role's name for people: the labels' name of a built-in role, else the organization's own name. */
export function roleLabel(labels: Labels, key: string, serverName?: string): string {
  return labels.roles[key] ?? serverName ?? key;
}
