import { verifyPassword } from "../auth/passwords.js";
import type { Actor, Deps } from "../deps.js";
import { badRequest, conflict, forbidden } from "../errors.js";
import { runTransaction } from "../transaction.js";
import { getUser } from "./accounts.js";
import { recordDeploymentAudit } from "./audit.js";
import { lockAccount } from "./locks.js";
import { removeWithinTransaction } from "./members.js";
import { deleteOrganizationWithin } from "./organizations.js";
import { lockActiveOwners } from "./owners.js";

/**
 * Deletes the caller's own account. The person types their email address (and, if the account has
 * a password, gives it) to confirm. Refused with LAST_OWNER while they are the last active owner of
 * an organization that has other members: they make someone else an owner, or delete it, first.
 * Organizations where they are the only member are deleted with the account. From every other
 * organization they leave as a member who leaves would (their resources go to one of its owners;
 * audited, and published as `member.left`); then the account's row is deleted, which ends its
 * sessions and removes its sign-in methods, identities and requests. Audit entries they made stay,
 * with no one named as their actor; the deployment's log records the deletion for each organization.
 */
export async function deleteAccount(
  deps: Deps,
  actor: Actor,
  input: { confirmEmail: string; password?: string | undefined },
): Promise<{ deletedOrganizations: string[]; leftOrganizations: string[] }> {
  const user = await getUser(deps.db, actor.userId);
  if (user.kind !== "person") throw forbidden("FORBIDDEN", "Only a person can delete their own account.");
  if (input.confirmEmail.trim().toLowerCase() !== user.email.toLowerCase()) {
    throw badRequest("CONFIRMATION_MISMATCH", "Type your email address exactly as it is to confirm.");
  }
  if (user.password_hash && !(input.password && (await verifyPassword(user.password_hash, input.password)))) {
    throw badRequest("INVALID_PASSWORD", "This password is not right. Enter your current password.");
  }
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    // Lock order: the account, then each organization (sorted by id) and its owners.
    await lockAccount(deps, trx, user.id);
    const memberships = await trx
      .selectFrom("memberships as m")
      .innerJoin("organizations as o", "o.id", "m.org_id")
      .select(["m.org_id", "m.role", "o.name"])
      .select((eb) =>
        eb
          .selectFrom("memberships as c")
          .select(eb.fn.countAll<string>().as("n"))
          .whereRef("c.org_id", "=", "m.org_id")
          .where("c.user_id", "!=", user.id)
          .as("others"),
      )
      .where("m.user_id", "=", user.id)
      .orderBy("m.org_id")
      .execute();

    const alone = memberships.filter((m) => Number(m.others) === 0);
    const shared = memberships.filter((m) => Number(m.others) > 0);
    const heirs = new Map<string, string>();
    const lastOwnerOf: { id: string; name: string }[] = [];
    for (const m of shared) {
      const owners = await lockActiveOwners(deps, trx, m.org_id);
      const heir = [...owners].find((id) => id !== user.id);
      if (heir) heirs.set(m.org_id, heir);
      else if (owners.has(user.id)) lastOwnerOf.push({ id: m.org_id, name: m.name });
    }
    if (lastOwnerOf.length > 0) {
      throw conflict(
        "LAST_OWNER",
        `You are the last owner of ${lastOwnerOf.map((o) => o.name).join(", ")}. Make someone else an owner, or delete the organization, before deleting your account.`,
        { organizations: lastOwnerOf },
      );
    }

    for (const m of alone) await deleteOrganizationWithin(trx, m.org_id, actor, now);
    for (const m of shared) {
      // Whoever takes over their resources: an owner other than them (a deactivated owner's
      // organization has active owners, or they were refused above).
      const access = { orgId: m.org_id, actor, role: m.role, permissions: new Set<never>() };
      await removeWithinTransaction(deps, trx, access, [user.id], heirs.get(m.org_id), "member.left", now);
      await recordDeploymentAudit(trx, m.org_id, actor, "account.deleted", { userId: user.id }, now);
    }
    await trx.deleteFrom("users").where("id", "=", user.id).execute();
    return {
      deletedOrganizations: alone.map((m) => m.org_id),
      leftOrganizations: shared.map((m) => m.org_id),
    };
  });
}
