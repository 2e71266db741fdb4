import type { Database } from "@roster/db";
import type { Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { memberNoticeEmail } from "../mail/templates.js";
import { enqueueEmails } from "../outbox/enqueue.js";
import type { OrgAccess } from "./access.js";
import { roleName } from "./roles.js";

/**
 * Emails telling members what an admin did to their membership: removed, deactivated, or a new
 * role. Written to the outbox in the change's own transaction, so a notice goes out exactly when the
 * change commits. Each kind can be turned off by the deployment (EMAIL_MEMBERS_ON_REMOVAL,
 * _ON_DEACTIVATION, _ON_ROLE_CHANGE); service accounts are never emailed, nor is whoever acted on
 * themselves.
 */
export type MemberNotice =
  | { kind: "removed" }
  | { kind: "deactivated" }
  | { kind: "role_changed"; from: string; to: string };

export async function noticeMembers(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  userIds: string[],
  notice: MemberNotice,
  now: Date,
): Promise<void> {
  const wanted = {
    removed: deps.config.memberEmails.removal,
    deactivated: deps.config.memberEmails.deactivation,
    role_changed: deps.config.memberEmails.roleChange,
  }[notice.kind];
  const to = userIds.filter((id) => id !== access.actor.userId);
  if (!wanted || to.length === 0) return;
  const org = await trx
    .selectFrom("organizations")
    .select("name")
    .where("id", "=", access.orgId)
    .executeTakeFirstOrThrow();
  const people = await trx
    .selectFrom("users")
    .select(["id", "email", "name"])
    .where("id", "in", to)
    .where("kind", "=", "person")
    .execute();
  const change =
    notice.kind === "role_changed"
      ? {
          kind: "role_changed" as const,
          from: await roleName(trx, access.orgId, notice.from),
          to: await roleName(trx, access.orgId, notice.to),
        }
      : { kind: notice.kind };
  await enqueueEmails(
    trx,
    people.map((p) => ({
      idempotencyKey: `member-${notice.kind}:${access.orgId}:${p.id}:${now.toISOString()}`,
      message: memberNoticeEmail(p.email, {
        name: p.name,
        organization: org.name,
        url:
          notice.kind === "removed" ? deps.config.publicUrl : `${deps.config.publicUrl}/orgs/${access.orgId}`,
        change,
      }),
    })),
    now,
    deps.sealer,
  );
}
