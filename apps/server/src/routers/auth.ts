import { z } from "zod";
import { clearedSessionCookie, sessionCookie } from "../auth/cookies.js";
import { deleteAccount } from "../domain/account-deletion.js";
import * as accounts from "../domain/accounts.js";
import * as profile from "../domain/profile.js";
import * as identities from "../domain/social-identities.js";
import * as social from "../domain/social-sign-in.js";
import * as twoFactorSignIn from "../domain/two-factor-sign-in.js";
import { socialFlowCookie } from "../social-routes.js";
import { authedProcedure, type Context, publicProcedure, router } from "../trpc.js";
import { email, emailToken, password, personName } from "./schemas.js";

const secureCookies = (ctx: Context) => ctx.deps.config.publicUrl.startsWith("https:");

const socialProvider = z.enum(["google", "github", "microsoft"], {
  error: "Choose google, github or microsoft.",
});

export function setSession(ctx: Context, signedIn: accounts.SignedIn) {
  ctx.resHeaders.append("Set-Cookie", sessionCookie(signedIn.token, secureCookies(ctx), signedIn.expiresAt));
  return { user: signedIn.user, token: signedIn.token, expiresAt: signedIn.expiresAt.toISOString() };
}

export const authRouter = router({
  signUp: publicProcedure
    // With the token of the invitation it signs up to accept (no personal organization, see README).
    .input(z.object({ email, password, name: personName, invitationToken: emailToken.optional() }))
    .mutation(async ({ ctx, input }) => setSession(ctx, await accounts.signUp(ctx.deps, ctx, input))),

  signIn: publicProcedure
    .input(
      z.object({
        email,
        password: z.string().min(1, "Enter your password.").max(256),
      }),
    )
    // An account with a second factor is answered TWO_FACTOR_REQUIRED with a pending sign-in
    // (twoFactor.verifyCode / verifyPasskey finish it).
    .mutation(async ({ ctx, input }) => setSession(ctx, await twoFactorSignIn.signIn(ctx.deps, ctx, input))),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth?.session) await accounts.signOut(ctx.deps, ctx.auth.session.id);
    ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(secureCookies(ctx)));
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }) => ({
    user: accounts.toPublicUser(ctx.auth.user),
    session: {
      id: ctx.auth.session.id,
      expiresAt: ctx.auth.session.expires_at.toISOString(),
      authMethod: ctx.auth.session.auth_method,
      twoFactor: ctx.auth.session.two_factor,
    },
    /** Whether the account has a password (`auth.changePassword` needs the current one); false for one made by a provider, SSO or a host. */
    hasPassword: ctx.auth.user.has_password,
    /** Whether this deployment keeps its emails in the dev mailbox (no SMTP server, not production). */
    devMailbox: !ctx.deps.config.smtpUrl && !ctx.deps.config.production,
  })),

  verifyEmail: publicProcedure
    .input(z.object({ token: emailToken }))
    .mutation(async ({ ctx, input }) => ({ user: await accounts.verifyEmail(ctx.deps, input) })),

  resendVerification: authedProcedure.mutation(({ ctx }) => accounts.resendVerification(ctx.deps, ctx.actor)),

  requestPasswordReset: publicProcedure.input(z.object({ email })).mutation(async ({ ctx, input }) => {
    await accounts.requestPasswordReset(ctx.deps, ctx, input);
    return { ok: true as const };
  }),

  resetPassword: publicProcedure
    .input(z.object({ token: emailToken, password }))
    .mutation(async ({ ctx, input }) => {
      await accounts.resetPassword(ctx.deps, input);
      return { ok: true as const };
    }),

  updateProfile: authedProcedure
    .input(z.object({ name: personName }))
    .mutation(async ({ ctx, input }) => ({ user: await profile.updateProfile(ctx.deps, ctx.actor, input) })),

  changePassword: authedProcedure
    .input(z.object({ current: z.string().min(1, "Enter your current password.").max(256), next: password }))
    .mutation(({ ctx, input }) => profile.changePassword(ctx.deps, ctx.actor, input)),

  /** Deletes the caller's account (typed email, and the password if it has one). */
  deleteAccount: authedProcedure
    .input(
      z.object({
        confirmEmail: z.string().max(320, "Type your email address to confirm."),
        password: z.string().max(256).optional(),
      }),
    )
    .mutation(({ ctx, input }) => deleteAccount(ctx.deps, ctx.actor, input)),

  changeEmail: authedProcedure
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => profile.changeEmail(ctx.deps, ctx.actor, input)),

  sessions: authedProcedure.query(({ ctx }) => profile.listSessions(ctx.deps, ctx.actor)),

  revokeSession: authedProcedure
    .input(
      z.object({
        sessionId: z
          .string()
          .min(1, "Choose the session to end.")
          .max(64, "This is not a valid session id. Pick the session from your list of sessions."),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await profile.revokeSession(ctx.deps, ctx.actor, input);
      return { ok: true as const };
    }),

  /**
   * The providers people can sign in with here ("Continue with Google" …): only those configured
   * (a client ID and secret), never the secrets; and where to start each (a plain link).
   */
  socialProviders: publicProcedure.query(({ ctx }) =>
    social.enabledProviders(ctx.deps.config).map((p) => ({ ...p, startPath: `/auth/social/${p.id}/start` })),
  ),

  /** The Google, GitHub and Microsoft identities linked to the caller's account. */
  identities: authedProcedure.query(({ ctx }) => identities.listIdentities(ctx.deps, ctx.actor)),

  /**
   * Links another identity to the caller's account: open `url` in this browser; the provider sends
   * it back to the account page (`?linked=<provider>`, or `?social_error=<reason>`).
   */
  linkIdentity: authedProcedure
    .input(z.object({ provider: socialProvider }))
    .mutation(async ({ ctx, input }) => {
      const started = await social.startSocialFlow(ctx.deps, ctx, {
        provider: input.provider,
        userId: ctx.actor.userId,
        returnTo: null,
      });
      ctx.resHeaders.append(
        "Set-Cookie",
        socialFlowCookie(started.flowId, secureCookies(ctx), social.SOCIAL_FLOW_TTL_SECONDS),
      );
      return { url: started.url };
    }),

  /** Unlinks an identity; refused with LAST_SIGN_IN_METHOD when nothing else would sign the account in. */
  unlinkIdentity: authedProcedure
    .input(
      z.object({
        provider: socialProvider,
        subject: z.string().min(1, "Choose the linked account to unlink.").max(255),
      }),
    )
    .mutation(({ ctx, input }) => identities.unlinkIdentity(ctx.deps, ctx.actor, input)),

  revokeOtherSessions: authedProcedure.mutation(({ ctx }) =>
    profile.revokeOtherSessions(ctx.deps, ctx.actor),
  ),
});
