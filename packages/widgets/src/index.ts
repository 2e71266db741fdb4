export { type AcceptAction, AcceptBanner, type AcceptBannerProps } from "./accept-banner/accept-banner.js";
export {
  AcceptInvitation,
  type AcceptInvitationProps,
  type InvitationPreview,
  type InvitationResponse,
} from "./accept-invitation/accept-invitation.js";
export { type AccessLoss, watchAccessLoss } from "./access-loss.js";
export {
  AccountSecurity,
  type AccountSecurityAction,
  type AccountSecurityProps,
} from "./account-security/account-security.js";
export { type ApiKeyAction, ApiKeys, type ApiKeysProps } from "./api-keys/api-keys.js";
export { AuditLog, type AuditLogProps } from "./audit-log/audit-log.js";
export {
  type CreateAction,
  CreateOrganization,
  type CreateOrganizationProps,
} from "./create-organization/create-organization.js";
export { type DomainAction, Domains, type DomainsProps } from "./domains/domains.js";
export { errorDetails, errorMessage, errorReason } from "./errors.js";
export {
  useConfirmTotp,
  useDisableTotp,
  useRegenerateRecoveryCodes,
  useRevokeOtherSessions,
  useRevokeSession,
  useSessions,
  useStartTotp,
  useTwoFactorStatus,
} from "./hooks/account-security.js";
export { useAuditLog } from "./hooks/audit.js";
export {
  useAddDomain,
  useDomains,
  useRemoveDomain,
  useSetDomainEnrollment,
  useVerifyDomain,
} from "./hooks/domains.js";
export {
  useAcceptInvitation,
  useDeclineInvitation,
  useInvitationLink,
  useInvitationPreview,
  useInvitations,
  useInviteMembers,
  useMyInvitations,
  useResendInvitation,
  useRevokeInvitation,
} from "./hooks/invitations.js";
export {
  useApproveJoinRequest,
  useJoinSuggestions,
  usePendingJoinRequests,
  useRejectJoinRequest,
  useRequestToJoin,
  useWithdrawJoinRequest,
} from "./hooks/join-requests.js";
export {
  type MemberFilters,
  memberListInput,
  useDeactivateMember,
  useMembers,
  useReactivateMember,
  useRefreshMembers,
  useRemoveMembers,
  useUpdateMemberRole,
} from "./hooks/members.js";
export {
  useCreateOrganization,
  useDeleteOrganization,
  useLeaveOrganization,
  useOrganization,
  useOrganizations,
  usePermissions,
  useRoles,
  useSetActiveOrganization,
  useSetSignInPolicy,
  useSetTwoFactorPolicy,
  useTransferOwnership,
  useUpdateOrganization,
  useViewer,
} from "./hooks/organizations.js";
export {
  useConfigureSso,
  useCreateScimToken,
  useDeleteSso,
  useMapScimGroupRole,
  useRevokeScimToken,
  useScimSettings,
  useSetScimDefaultRole,
  useSetSsoEnforcement,
  useSsoConnection,
  useTestSso,
} from "./hooks/security.js";
export {
  useApiKeys,
  useCreateApiKey,
  useCreateServiceAccount,
  useDeleteServiceAccount,
  useRevokeApiKey,
  useServiceAccounts,
} from "./hooks/service-accounts.js";
export { type InviteAction, InviteForm, type InviteFormProps } from "./invite-form/invite-form.js";
export {
  type JoinAction,
  JoinOrganization,
  type JoinOrganizationProps,
} from "./join-organization/join-organization.js";
export {
  defaultLabels,
  defaultMessages,
  type LabelOverrides,
  type Labels,
  roleLabel,
  type WidgetErrorReason,
} from "./labels.js";
export { type MemberAction, MemberList, type MemberListProps } from "./member-list/member-list.js";
export {
  type MetadataField,
  type OrganizationAction,
  OrganizationProfile,
  type OrganizationProfileProps,
} from "./organization-profile/organization-profile.js";
export {
  OrganizationSwitcher,
  type OrganizationSwitcherProps,
  type SwitchAction,
} from "./organization-switcher/organization-switcher.js";
export { type PrefetchOptions, prefetchWidgets, type WidgetToPrefetch } from "./prefetch.js";
export {
  createDefaultQueryClient,
  RosterProvider,
  type RosterProviderProps,
  type RosterTheme,
  type RosterToken,
  useLabels,
} from "./provider.js";
export { type ScimAction, ScimSettings, type ScimSettingsProps } from "./scim-settings/scim-settings.js";
export { Security, type SecurityAction, type SecurityProps } from "./security/security.js";
export {
  SecurityPolicies,
  type SecurityPoliciesProps,
  type SecurityPolicyAction,
} from "./security-policies/security-policies.js";
export { type SsoAction, SsoConnection, type SsoConnectionProps } from "./sso-connection/sso-connection.js";
export { useTRPC, useTRPCClient } from "./trpc.js";
export type * from "./types.js";
