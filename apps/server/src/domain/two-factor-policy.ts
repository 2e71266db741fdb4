import type { Deps } from "../deps.js";
import { runTransaction } from "../transaction.js";
import { mfaRequired, type OrgAccess, type TwoFactorProof } from "./access.js";
import { recordChange } from "./audit.js";

/**
 * The organization policy "members must use two-factor". Turning it on is refused to a caller who
 * has not proven two factors themselves, so an admin never locks themselves out with one click.
 * The change is audited as `org.updated` and published as `organization.updated`.
 */
export async function setTwoFactorPolicy(
  deps: Deps,
  access: OrgAccess,
  input: { required: boolean },
  caller: TwoFactorProof,
): Promise<{ requireTwoFactor: boolean }> {
  if (input.required && caller === "missing") throw mfaRequired();
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    const previous = await trx
      .selectFrom("organizations")
      .select("require_two_factor")
      .where("id", "=", access.orgId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (previous.require_two_factor === input.required) return;
    await trx
      .updateTable("organizations")
      .set({ require_two_factor: input.required, updated_at: now })
      .where("id", "=", access.orgId)
      .execute();
    await recordChange(trx, access, now, "org.updated", ["organization", access.orgId], {
      changed: ["requireTwoFactor"],
      requireTwoFactor: input.required,
    });
  });
  return { requireTwoFactor: input.required };
}
