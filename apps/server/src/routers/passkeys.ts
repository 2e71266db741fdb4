import { z } from "zod";
import * as passkeys from "../domain/passkeys.js";
import { signInWithPasskey } from "../domain/two-factor-sign-in.js";
import { authedProcedure, publicProcedure, router } from "../trpc.js";
import { setSession } from "./auth.js";
import { uuid } from "./schemas.js";
import {
  authenticationResponse,
  challengeId,
  passkeyName,
  registrationResponse,
} from "./webauthn-schemas.js";

export const passkeysRouter = router({
  list: authedProcedure.query(({ ctx }) => passkeys.listPasskeys(ctx.deps, ctx.actor)),

  startRegistration: authedProcedure.mutation(({ ctx }) =>
    passkeys.startPasskeyRegistration(ctx.deps, ctx.actor),
  ),

  finishRegistration: authedProcedure
    .input(z.object({ challengeId, name: passkeyName.optional(), response: registrationResponse }))
    .mutation(({ ctx, input }) => passkeys.finishPasskeyRegistration(ctx.deps, ctx.actor, input)),

  rename: authedProcedure
    .input(z.object({ passkeyId: uuid("passkey"), name: passkeyName }))
    .mutation(async ({ ctx, input }) => {
      await passkeys.renamePasskey(ctx.deps, ctx.actor, input);
      return { ok: true as const };
    }),

  remove: authedProcedure.input(z.object({ passkeyId: uuid("passkey") })).mutation(async ({ ctx, input }) => {
    await passkeys.removePasskey(ctx.deps, ctx.actor, input);
    return { ok: true as const };
  }),

  /** Signing in with a passkey alone (a discoverable credential): no email or password first. */
  startSignIn: publicProcedure.mutation(({ ctx }) => passkeys.startPasskeySignIn(ctx.deps, ctx)),

  finishSignIn: publicProcedure
    .input(z.object({ challengeId, response: authenticationResponse }))
    .mutation(async ({ ctx, input }) => setSession(ctx, await signInWithPasskey(ctx.deps, ctx, input))),
});
