import type { AppRouter, RouterInputs, RouterOutputs } from "@roster/sdk";
import type { InfiniteData, UseInfiniteQueryResult, UseMutationResult } from "@tanstack/react-query";
import type { TRPCClientErrorLike } from "@trpc/client";

/** One row of the member list: a member, or a pending invitation (`kind`). */
export type MemberListItem = RouterOutputs["members"]["list"]["items"][number];
export type MemberStatus = MemberListItem["status"];
export type MemberListPage = RouterOutputs["members"]["list"];
export type MemberListInput = RouterInputs["members"]["list"];
export type Role = RouterOutputs["roles"]["list"][number];
export type Permission = RouterOutputs["orgs"]["permissions"]["permissions"][number];
export type MyInvitation = RouterOutputs["invitations"]["mine"][number];
export type Invitation = RouterOutputs["invitations"]["list"]["items"][number];
export type Organization = RouterOutputs["orgs"]["list"][number];
export type CreatedOrganization = RouterOutputs["orgs"]["create"];
export type InviteResult = RouterOutputs["invitations"]["create"]["results"][number];
export type Viewer = RouterOutputs["auth"]["me"]["user"];

/** What a widget's `onAfter` hears about an action it ran. */
export type ActionOutcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * Every widget takes these. `onBefore` runs before an action is sent and may return false to
 * cancel it (a host's own confirmation, analytics, a feature flag); `onAfter` hears how it went.
 */
export interface ActionCallbacks<A> {
  onBefore?: (action: A) => boolean | undefined | Promise<boolean | undefined>;
  onAfter?: (action: A, outcome: ActionOutcome) => void;
}

/** The error every query and mutation of the widgets' hooks fails with. */
export type RosterQueryError = TRPCClientErrorLike<AppRouter>;
export type RosterInfiniteQuery<TPage> = UseInfiniteQueryResult<
  InfiniteData<TPage, string | null>,
  RosterQueryError
>;
export type RosterMutation<TInput, TOutput> = UseMutationResult<TOutput, RosterQueryError, TInput, unknown>;
export type InvitationPage = RouterOutputs["invitations"]["list"];
export type OrganizationDetails = RouterOutputs["orgs"]["get"];
/** A way of signing in an organization's sign-in policy may accept. */
export type SignInMethod = NonNullable<OrganizationDetails["allowedSignInMethods"]>[number];
export type ServiceAccount = RouterOutputs["serviceAccounts"]["list"][number];
export type ApiKey = RouterOutputs["serviceAccounts"]["keys"][number];
export type AuditPage = RouterOutputs["audit"]["list"];
export type AuditEvent = AuditPage["items"][number];
/** What the audit log can be narrowed to (dates are ISO 8601 instants; `to` is exclusive). */
export type AuditFilters = Omit<RouterInputs["audit"]["list"], "orgId" | "cursor" | "limit">;
export type JoinSuggestion = RouterOutputs["joinRequests"]["suggestions"][number];
export type JoinRequest = RouterOutputs["joinRequests"]["list"]["items"][number];
export type Domain = RouterOutputs["domains"]["list"][number];
export type Passkey = RouterOutputs["passkeys"]["list"][number];
export type SessionSummary = RouterOutputs["auth"]["sessions"][number];
export type TwoFactorStatus = RouterOutputs["twoFactor"]["status"];
