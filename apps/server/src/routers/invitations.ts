import { z } from "zod";
import * as acceptance from "../domain/invitation-acceptance.js";
import * as lifecycle from "../domain/invitation-lifecycle.js";
import * as invitations from "../domain/invitations.js";
import { authedProcedure, orgProcedure, publicProcedure, router } from "../trpc.js";
import { redirectUrl } from "./embed.js";
import { cursor, emailToken, metadata, pageLimit, roleKey, uuid } from "./schemas.js";

const invitationId = uuid("invitation");
const status = z.enum(["pending", "expired", "accepted", "declined", "revoked"]);

export const invitationsRouter = router({
  create: orgProcedure("members:invite")
    .input(
      z.object({
        emails: z
          .array(z.string().max(320, "An email address is at most 254 characters."))
          .min(1, "Enter at least one email address.")
          .max(100, "Invite at most 100 people at a time."),
        role: roleKey,
        metadata: metadata.optional(),
        workspaces: z
          .array(z.object({ workspaceId: uuid("workspace"), role: roleKey }))
          .max(50, "Name at most 50 workspaces in one invitation.")
          .optional(),
        /** Where the emailed link lands (with `?token=`); it must be in a host's list of redirect URLs. */
        redirectUrl: redirectUrl.optional(),
      }),
    )
    .mutation(({ ctx, input }) => invitations.createInvitations(ctx.deps, ctx.access, input)),

  list: orgProcedure("members:read")
    .input(z.object({ status: status.optional(), cursor, limit: pageLimit.optional() }))
    .query(({ ctx, input }) => invitations.listInvitations(ctx.deps, ctx.access, input)),

  resend: orgProcedure("members:invite")
    .input(z.object({ invitationId }))
    .mutation(({ ctx, input }) => lifecycle.resendInvitation(ctx.deps, ctx.access, input)),

  revoke: orgProcedure("members:invite")
    .input(z.object({ invitationId }))
    .mutation(({ ctx, input }) => lifecycle.revokeInvitation(ctx.deps, ctx.access, input)),

  link: orgProcedure("members:invite")
    .input(z.object({ invitationId }))
    .query(({ ctx, input }) => lifecycle.invitationLink(ctx.deps, ctx.access, input)),

  mine: authedProcedure.query(({ ctx }) => acceptance.myInvitations(ctx.deps, ctx.auth.user)),

  preview: publicProcedure
    .input(z.object({ token: emailToken }))
    .query(({ ctx, input }) => acceptance.previewInvitation(ctx.deps, input)),

  accept: authedProcedure
    .input(z.union([z.object({ invitationId }).strict(), z.object({ token: emailToken }).strict()]))
    .mutation(({ ctx, input }) => acceptance.acceptInvitation(ctx.deps, ctx.actor, input)),

  /** Declining through the emailed link, signed in or not. */
  declineLink: publicProcedure.input(z.object({ token: emailToken })).mutation(async ({ ctx, input }) => {
    const actor = ctx.auth?.user
      ? { userId: ctx.auth.user.id, sessionId: null, ip: ctx.ip, userAgent: ctx.userAgent }
      : null;
    await acceptance.declineInvitationByLink(ctx.deps, actor, input);
    return { ok: true as const };
  }),

  decline: authedProcedure.input(z.object({ invitationId })).mutation(async ({ ctx, input }) => {
    await acceptance.declineInvitation(ctx.deps, ctx.actor, input);
    return { ok: true as const };
  }),
});
