import type { Deps } from "../deps.js";
import { badRequest } from "../errors.js";
import { runTransaction } from "../transaction.js";
import {
  methodList,
  type OrgAccess,
  type SessionFacts,
  SIGN_IN_METHODS,
  type SignInMethod,
} from "./access.js";
import { recordChange } from "./audit.js";

/** The bounds an organization's session limits are kept within (minutes). */
export const SESSION_MAX_AGE_MINUTES = { min: 15, max: 90 * 24 * 60 } as const;
export const SESSION_IDLE_MINUTES = { min: 5, max: 30 * 24 * 60 } as const;

export interface SignInPolicy {
  /** Sessions signed in longer ago than this are refused in the organization; null: no limit. */
  sessionMaxAgeMinutes: number | null;
  /** Sessions that paused longer than this are refused in the organization; null: no limit. */
  idleTimeoutMinutes: number | null;
  /** The ways of signing in the organization accepts; null: every one. */
  allowedSignInMethods: SignInMethod[] | null;
}

export interface SignInPolicyChange {
  sessionMaxAgeMinutes?: number | null | undefined;
  idleTimeoutMinutes?: number | null | undefined;
  allowedSignInMethods?: readonly SignInMethod[] | null | undefined;
}

/**
 * Changes an organization's sign-in policy (what is not given stays). A policy that would not
 * accept the way the caller signed in is refused (POLICY_EXCLUDES_OWN_SIGN_IN): whoever sets it
 * shows that an accepted method works for them. The answer says whether the caller's own session
 * is now past the new limits (`signInAgain`), so the page can say so. Audited as `org.updated`.
 */
export async function setSignInPolicy(
  deps: Deps,
  access: OrgAccess,
  input: SignInPolicyChange,
  caller: SessionFacts | null,
): Promise<SignInPolicy & { signInAgain: boolean }> {
  const methods =
    input.allowedSignInMethods === undefined || input.allowedSignInMethods === null
      ? input.allowedSignInMethods
      : SIGN_IN_METHODS.filter((m) => input.allowedSignInMethods?.includes(m));
  if (methods && caller && !methods.includes(caller.method as SignInMethod)) {
    throw badRequest(
      "POLICY_EXCLUDES_OWN_SIGN_IN",
      `You signed in with ${methodList([caller.method])}, which this policy would not accept. Include it, or sign in with one of the accepted methods first.`,
      { method: caller.method },
    );
  }
  const now = deps.clock();
  const policy = await runTransaction(deps, async (trx) => {
    const previous = await trx
      .selectFrom("organizations")
      .select(["session_max_age_minutes", "session_idle_minutes", "allowed_sign_in_methods"])
      .where("id", "=", access.orgId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const next = {
      session_max_age_minutes:
        input.sessionMaxAgeMinutes === undefined
          ? previous.session_max_age_minutes
          : input.sessionMaxAgeMinutes,
      session_idle_minutes:
        input.idleTimeoutMinutes === undefined ? previous.session_idle_minutes : input.idleTimeoutMinutes,
      allowed_sign_in_methods: methods === undefined ? previous.allowed_sign_in_methods : methods,
    };
    const changed: string[] = [];
    if (next.session_max_age_minutes !== previous.session_max_age_minutes)
      changed.push("sessionMaxAgeMinutes");
    if (next.session_idle_minutes !== previous.session_idle_minutes) changed.push("idleTimeoutMinutes");
    if (JSON.stringify(next.allowed_sign_in_methods) !== JSON.stringify(previous.allowed_sign_in_methods)) {
      changed.push("allowedSignInMethods");
    }
    if (changed.length > 0) {
      await trx
        .updateTable("organizations")
        .set({ ...next, updated_at: now })
        .where("id", "=", access.orgId)
        .execute();
      await recordChange(trx, access, now, "org.updated", ["organization", access.orgId], {
        changed,
        sessionMaxAgeMinutes: next.session_max_age_minutes,
        idleTimeoutMinutes: next.session_idle_minutes,
        allowedSignInMethods: next.allowed_sign_in_methods,
      });
    }
    return {
      sessionMaxAgeMinutes: next.session_max_age_minutes,
      idleTimeoutMinutes: next.session_idle_minutes,
      allowedSignInMethods: next.allowed_sign_in_methods as SignInMethod[] | null,
    };
  });
  const signInAgain =
    caller !== null &&
    ((policy.sessionMaxAgeMinutes !== null && caller.ageSeconds > policy.sessionMaxAgeMinutes * 60) ||
      (policy.idleTimeoutMinutes !== null && caller.idleSeconds > policy.idleTimeoutMinutes * 60));
  return { ...policy, signInAgain };
}
