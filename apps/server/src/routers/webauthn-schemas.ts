import { z } from "zod";

/**
 * What a browser's WebAuthn answer looks like (as @simplewebauthn/browser sends it), bounded in
 * size. Typed by these schemas, not by the WebAuthn library, so the API's types name no library.
 */
const b64url = z
  .string()
  .max(16_384, "This passkey answer is too large.")
  .regex(/^[A-Za-z0-9_-]*$/, "This passkey answer is not valid base64url.");

const common = {
  id: b64url.min(1, "This passkey answer has no credential id."),
  rawId: b64url,
  type: z.literal("public-key"),
  // Roster asks for no extensions; whatever the browser reports is dropped.
  clientExtensionResults: z.unknown().transform((): Record<string, never> => ({})),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

export const registrationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});

export const authenticationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});

export const challengeId = z.uuid("This passkey request is not valid. Start again.");

export const passkeyName = z
  .string()
  .trim()
  .min(1, "Give the passkey a name.")
  .max(60, "Passkey names are at most 60 characters.");

export const pendingToken = z
  .string()
  .min(1, "This sign-in is not valid. Enter your password again.")
  .max(128, "This sign-in is not valid. Enter your password again.");

export const twoFactorCode = z
  .string()
  .trim()
  .min(6, "Enter the 6-digit code from your app, or a recovery code.")
  .max(32, "Enter the 6-digit code from your app, or a recovery code.");
