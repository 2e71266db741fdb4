import type { RouterInputs, RouterOutputs } from "@roster/sdk";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "../trpc.js";
import type { InvitationPage, RosterInfiniteQuery, RosterMutation } from "../types.js";
import { nextCursor, useRefreshMembers } from "./members.js";

type InvitationStatus = "pending" | "expired" | "accepted" | "declined" | "revoked";

/** An organization's invitations (any status), newest first. */
export function useInvitations(
  orgId: string,
  status?: InvitationStatus,
): RosterInfiniteQuery<InvitationPage> {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.invitations.list.infiniteQueryOptions(
      { orgId, ...(status ? { status } : {}) },
      { getNextPageParam: nextCursor },
    ),
  );
}

/** The signed-in person's own open invitations (refused with EMAIL_NOT_VERIFIED until confirmed). */
export function useMyInvitations() {
  const trpc = useTRPC();
  return useQuery(trpc.invitations.mine.queryOptions());
}

/** What an invitation link offers (anyone holding the link may ask). */
export function useInvitationPreview(token: string) {
  const trpc = useTRPC();
  return useQuery(trpc.invitations.preview.queryOptions({ token }, { retry: false }));
}

/**
 * The invitations just sent, as they are now (resent, revoked, accepted, declined…): the newest
 * hundred of the organization, read again whenever invitations change here and every few seconds
 * while `enabled`, for what others do elsewhere.
 */
export function useInvitationsNow(orgId: string, enabled: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.invitations.list.queryOptions(
      { orgId, limit: 100 },
      { enabled, refetchInterval: enabled ? 5000 : false, staleTime: 0 },
    ),
  );
  // What changed elsewhere (an invitation accepted or declined) changes the member list too.
  const states = (list.data?.items ?? []).map((i) => `${i.id}:${i.status}`).join(",");
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!states) return;
    if (seen.current !== null && seen.current !== states) {
      void queryClient.invalidateQueries(trpc.members.pathFilter());
    }
    seen.current = states;
  }, [states, queryClient, trpc]);
  return new Map((list.data?.items ?? []).map((i) => [i.id, i]));
}

export function useInviteMembers() {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.invitations.create.mutationOptions({ onSuccess: refresh }));
}

type Invitations = { input: RouterInputs["invitations"]; output: RouterOutputs["invitations"] };

export function useResendInvitation(): RosterMutation<
  Invitations["input"]["resend"],
  Invitations["output"]["resend"]
> {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.invitations.resend.mutationOptions({ onSuccess: refresh }));
}

export function useRevokeInvitation(): RosterMutation<
  Invitations["input"]["revoke"],
  Invitations["output"]["revoke"]
> {
  const trpc = useTRPC();
  const refresh = useRefreshMembers();
  return useMutation(trpc.invitations.revoke.mutationOptions({ onSuccess: refresh }));
}

/** Returns a function that fetches an invitation's link (to copy it again). */
export function useInvitationLink() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (orgId: string, invitationId: string) =>
    queryClient.fetchQuery({ ...trpc.invitations.link.queryOptions({ orgId, invitationId }), staleTime: 0 });
}

function useRefreshMine() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.invitations.mine.pathFilter()),
      queryClient.invalidateQueries(trpc.orgs.list.pathFilter()),
    ]);
}

export function useAcceptInvitation() {
  const trpc = useTRPC();
  const refresh = useRefreshMine();
  return useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: refresh }));
}

export function useDeclineInvitation() {
  const trpc = useTRPC();
  const refresh = useRefreshMine();
  return useMutation(trpc.invitations.decline.mutationOptions({ onSuccess: refresh }));
}
