import { z } from "zod";
import * as twoFactor from "../domain/two-factor.js";
import * as signIn from "../domain/two-factor-sign-in.js";
import { authedProcedure, publicProcedure, router } from "../trpc.js";
import { setSession } from "./auth.js";
import { authenticationResponse, pendingToken, twoFactorCode } from "./webauthn-schemas.js";

/** The account's two-factor settings, and the second step of signing in. */
export const twoFactorRouter = router({
  status: authedProcedure.query(({ ctx }) =>
    twoFactor.twoFactorStatus(ctx.deps, ctx.actor, ctx.auth.session.two_factor),
  ),

  startTotp: authedProcedure.mutation(({ ctx }) => twoFactor.startTotpEnrollment(ctx.deps, ctx.actor)),

  confirmTotp: authedProcedure
    .input(z.object({ code: twoFactorCode }))
    .mutation(({ ctx, input }) => twoFactor.confirmTotpEnrollment(ctx.deps, ctx.actor, input)),

  disableTotp: authedProcedure
    .input(z.object({ code: twoFactorCode }))
    .mutation(({ ctx, input }) => twoFactor.disableTotp(ctx.deps, ctx.actor, input)),

  regenerateRecoveryCodes: authedProcedure
    .input(z.object({ code: twoFactorCode }))
    .mutation(({ ctx, input }) => twoFactor.regenerateRecoveryCodes(ctx.deps, ctx.actor, input)),

  /** The second step of signing in with the authenticator's code or a recovery code. */
  verifyCode: publicProcedure
    .input(z.object({ pendingToken, code: twoFactorCode }))
    .mutation(async ({ ctx, input }) => setSession(ctx, await signIn.finishWithCode(ctx.deps, ctx, input))),

  passkeyOptions: publicProcedure
    .input(z.object({ pendingToken }))
    .mutation(({ ctx, input }) => signIn.passkeyChallenge(ctx.deps, input)),

  verifyPasskey: publicProcedure
    .input(z.object({ pendingToken, response: authenticationResponse }))
    .mutation(async ({ ctx, input }) =>
      setSession(ctx, await signIn.finishWithPasskey(ctx.deps, ctx, input)),
    ),
});
