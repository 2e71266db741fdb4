import type { SignInMethod } from "./types.js";

const article: Partial<Record<string, string>> = {
  password: "a password",
  passkey: "a passkey",
  sso: "single sign-on",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

/** The words of SecurityPolicies, in English. */
export const policiesLabels = {
  policiesTitle: "Sign-in policies",
  loadingPolicies: "Loading sign-in policies…",
  cannotManagePolicies: "Your role does not allow changing sign-in policies.",
  // Two-factor
  twoFactorPolicyTitle: "Two-factor sign-in",
  requireTwoFactor: "Members must use two-factor sign-in",
  requireTwoFactorHint:
    "Members without an authenticator app or a passkey are asked to set one up before they can do anything in this organization. Turn on two-factor sign-in for your own account first.",
  twoFactorRequired: "Members now need two-factor sign-in.",
  twoFactorNotRequired: "Members no longer need two-factor sign-in.",
  twoFactorPolicyNeedsOwn:
    "Nothing was changed: turn on two-factor sign-in for your own account and sign in with it before requiring it of members.",
  // Sessions and methods
  sessionPolicyTitle: "Sessions and sign-in methods",
  sessionPolicyIntro:
    "Members whose session is older, has paused longer, or was signed in another way are asked to sign in again before they act in this organization; their other organizations are not affected. Owners may always sign in, whatever the methods.",
  sessionLifetime: "Session lifetime (minutes)",
  sessionLifetimeHint: (min: number, maxDays: number) =>
    `From ${min} minutes to ${maxDays} days. Empty: no limit.`,
  idleTimeout: "Idle timeout (minutes)",
  idleTimeoutHint: (min: number, maxDays: number) =>
    `From ${min} minutes to ${maxDays} days. Empty: no limit.`,
  minutesNotWhole: "Enter a whole number of minutes, or leave it empty for no limit.",
  lifetimeTooShort: (min: number) => `The session lifetime is at least ${min} minutes.`,
  lifetimeTooLong: (max: number, days: number) =>
    `The session lifetime is at most ${max} minutes (${days} days).`,
  idleTooShort: (min: number) => `The idle timeout is at least ${min} minutes.`,
  idleTooLong: (max: number, days: number) => `The idle timeout is at most ${max} minutes (${days} days).`,
  allowedMethods: "Accepted ways of signing in",
  allowedMethodsHint: "With every one ticked, any way of signing in is accepted.",
  signInMethodNames: {
    password: "Password",
    passkey: "Passkey",
    sso: "Single sign-on",
    google: "Google",
    github: "GitHub",
    microsoft: "Microsoft",
  } as Record<SignInMethod, string>,
  noMethodAllowed: "Accept at least one way of signing in.",
  /** POLICY_EXCLUDES_OWN_SIGN_IN, naming how the admin signed in (`details.method`). */
  ownSignInExcluded: (method: string) =>
    `You signed in with ${article[method] ?? method}, which this policy would not accept. Include it, or sign in with one of the accepted methods first.`,
  saveSignInPolicy: "Save sign-in policy",
  signInPolicySaved: "Sign-in policy saved.",
  signInPolicySavedSignInAgain:
    "Sign-in policy saved. Your own session is past its limits here: sign in again to continue.",
};
