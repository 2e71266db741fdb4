import type { Database } from "@roster/db";
import { sql, type Transaction } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { runTransaction } from "../transaction.js";
import type { OrgAccess } from "./access.js";
import { recordChange } from "./audit.js";
import { groupNotFound } from "./groups.js";
import { findInOrg } from "./org-rows.js";
import { resolveGrantableRole } from "./roles.js";
import { requireWorkspacePermission, workspaceAccessWith } from "./workspace-permissions.js";
import { findWorkspace } from "./workspaces.js";

/** Roles granted on a workspace to a member, a group or a pending invitation. */

export type Principal = { userId: string } | { groupId: string } | { invitationId: string };

export interface GrantView {
  id: string;
  workspaceId: string;
  role: string;
  principal:
    | { type: "member"; userId: string; name: string; email: string; serviceAccount: boolean }
    | { type: "group"; groupId: string; name: string }
    | { type: "invitation"; invitationId: string; email: string };
  createdAt: string;
}

/**
 * Resolves a role that may be granted in a workspace: it exists, the caller holds every permission
 * in it there, and it is not `owner` (ownership is organization-wide).
 */
async function grantableWorkspaceRole(
  trx: Transaction<Database>,
  access: OrgAccess,
  workspaceId: string,
  role: string,
): Promise<string> {
  if (role === "owner") {
    throw badRequest(
      "OWNER_NOT_GRANTABLE",
      "Ownership covers the whole organization and cannot be granted on a workspace. Grant admin instead.",
    );
  }
  const scoped = await workspaceAccessWith(trx, access, workspaceId, "workspaces:manage");
  return (await resolveGrantableRole(trx, scoped, role)).key;
}

async function checkPrincipal(
  trx: Transaction<Database>,
  orgId: string,
  principal: Principal,
): Promise<void> {
  if ("userId" in principal) {
    const m = await trx
      .selectFrom("memberships")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where("user_id", "=", principal.userId)
      .executeTakeFirst();
    if (!m) throw notFound("MEMBER_NOT_FOUND", "This person is not a member of the organization.");
  } else if ("groupId" in principal) {
    await findInOrg(trx, "groups", orgId, principal.groupId, groupNotFound);
  } else {
    const inv = await findInOrg(trx, "invitations", orgId, principal.invitationId, () =>
      notFound("INVITATION_NOT_FOUND", "This invitation does not exist in this organization."),
    );
    if (inv.status !== "pending") {
      throw conflict(
        "INVITATION_NOT_PENDING",
        "This invitation is no longer open. Grant the workspace to the member instead.",
      );
    }
  }
}

function principalColumns(principal: Principal) {
  return {
    user_id: "userId" in principal ? principal.userId : null,
    group_id: "groupId" in principal ? principal.groupId : null,
    invitation_id: "invitationId" in principal ? principal.invitationId : null,
  };
}

function principalData(principal: Principal) {
  return "userId" in principal
    ? { principalType: "member", principalId: principal.userId }
    : "groupId" in principal
      ? { principalType: "group", principalId: principal.groupId }
      : { principalType: "invitation", principalId: principal.invitationId };
}

async function upsertGrant(
  trx: Transaction<Database>,
  orgId: string,
  workspaceId: string,
  principal: Principal,
  role: string,
  grantedBy: string,
  now: Date,
): Promise<string> {
  const cols = principalColumns(principal);
  const column = "userId" in principal ? "user_id" : "groupId" in principal ? "group_id" : "invitation_id";
  const row = await trx
    .insertInto("workspace_grants")
    .values({
      org_id: orgId,
      workspace_id: workspaceId,
      ...cols,
      role,
      granted_by: grantedBy,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", column])
        .where(column, "is not", null)
        .doUpdateSet({ role, granted_by: grantedBy, updated_at: now }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Gives a member, a group or a pending invitation a role on a workspace (replacing an earlier one). */
export async function grantWorkspaceAccess(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string; principal: Principal; role: string },
): Promise<{ grantId: string; role: string }> {
  const now = deps.clock();
  return runTransaction(deps, async (trx) => {
    const role = await grantableWorkspaceRole(trx, access, input.workspaceId, input.role);
    await checkPrincipal(trx, access.orgId, input.principal);
    const grantId = await upsertGrant(
      trx,
      access.orgId,
      input.workspaceId,
      input.principal,
      role,
      access.actor.userId,
      now,
    );
    await recordChange(trx, access, now, "workspace.access_granted", ["workspace", input.workspaceId], {
      ...principalData(input.principal),
      role,
    });
    return { grantId, role };
  });
}

export async function revokeWorkspaceAccess(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string; principal: Principal },
): Promise<void> {
  const now = deps.clock();
  await runTransaction(deps, async (trx) => {
    await requireWorkspacePermission(trx, access, input.workspaceId, "workspaces:manage");
    await findWorkspace(trx, access.orgId, input.workspaceId);
    const cols = principalColumns(input.principal);
    const deleted = await trx
      .deleteFrom("workspace_grants")
      .where("org_id", "=", access.orgId)
      .where("workspace_id", "=", input.workspaceId)
      .where((eb) =>
        cols.user_id
          ? eb("user_id", "=", cols.user_id)
          : cols.group_id
            ? eb("group_id", "=", cols.group_id)
            : eb("invitation_id", "=", cols.invitation_id as string),
      )
      .returning("role")
      .executeTakeFirst();
    if (!deleted) {
      throw notFound(
        "GRANT_NOT_FOUND",
        "There is no such grant on this workspace. It may have been removed already.",
      );
    }
    await recordChange(trx, access, now, "workspace.access_revoked", ["workspace", input.workspaceId], {
      ...principalData(input.principal),
      role: deleted.role,
    });
  });
}

/** Who holds a role on this workspace itself (not inherited from ancestors). */
export async function listWorkspaceGrants(
  deps: Deps,
  access: OrgAccess,
  input: { workspaceId: string },
): Promise<GrantView[]> {
  await requireWorkspacePermission(deps.db, access, input.workspaceId, "workspaces:read");
  await findWorkspace(deps.db, access.orgId, input.workspaceId);
  const rows = await deps.db
    .selectFrom("workspace_grants as g")
    .leftJoin("users as u", "u.id", "g.user_id")
    .leftJoin("groups as gr", "gr.id", "g.group_id")
    .leftJoin("invitations as i", "i.id", "g.invitation_id")
    .select([
      "g.id",
      "g.workspace_id",
      "g.role",
      "g.user_id",
      "g.group_id",
      "g.invitation_id",
      "g.created_at",
      "u.name as user_name",
      "u.email as user_email",
      "u.kind as user_kind",
      "gr.name as group_name",
      "i.email as invitation_email",
    ])
    .where("g.org_id", "=", access.orgId)
    .where("g.workspace_id", "=", input.workspaceId)
    // Members, then groups, then pending invitations; oldest first within each.
    .orderBy(sql`case when g.user_id is not null then 0 when g.group_id is not null then 1 else 2 end`)
    .orderBy("g.created_at")
    .orderBy("g.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    role: r.role,
    principal: r.user_id
      ? {
          type: "member" as const,
          userId: r.user_id,
          name: r.user_name ?? "",
          email: r.user_email ?? "",
          serviceAccount: r.user_kind === "service_account",
        }
      : r.group_id
        ? { type: "group" as const, groupId: r.group_id, name: r.group_name ?? "" }
        : {
            type: "invitation" as const,
            invitationId: r.invitation_id ?? "",
            email: r.invitation_email ?? "",
          },
    createdAt: r.created_at.toISOString(),
  }));
}

// Workspace assignments named in an invitation, held by the invitation until it is accepted.

export interface InvitationWorkspace {
  workspaceId: string;
  role: string;
}

/**
 * Checks workspace assignments named in an invitation before any is stored: each workspace exists,
 * the inviter may grant access there, and may give that role there. Returns them deduplicated
 * (the last role named for a workspace wins).
 */
export async function checkInvitationWorkspaces(
  trx: Transaction<Database>,
  access: OrgAccess,
  workspaces: InvitationWorkspace[],
): Promise<InvitationWorkspace[]> {
  const byWorkspace = new Map<string, string>();
  for (const w of workspaces) byWorkspace.set(w.workspaceId, w.role);
  const checked: InvitationWorkspace[] = [];
  for (const [workspaceId, role] of byWorkspace) {
    checked.push({ workspaceId, role: await grantableWorkspaceRole(trx, access, workspaceId, role) });
  }
  return checked;
}

/** Gives each of the invitations every assignment (replacing an earlier role), in one statement. */
export async function grantInvitationWorkspaces(
  trx: Transaction<Database>,
  orgId: string,
  invitationIds: readonly string[],
  workspaces: InvitationWorkspace[],
  grantedBy: string,
  now: Date,
): Promise<void> {
  if (invitationIds.length === 0 || workspaces.length === 0) return;
  await trx
    .insertInto("workspace_grants")
    .values(
      invitationIds.flatMap((invitationId) =>
        workspaces.map((w) => ({
          org_id: orgId,
          workspace_id: w.workspaceId,
          user_id: null,
          group_id: null,
          invitation_id: invitationId,
          role: w.role,
          granted_by: grantedBy,
          created_at: now,
          updated_at: now,
        })),
      ),
    )
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", "invitation_id"])
        .where("invitation_id", "is not", null)
        .doUpdateSet((eb) => ({
          role: eb.ref("excluded.role"),
          granted_by: grantedBy,
          updated_at: now,
        })),
    )
    .execute();
}

/** On acceptance, the invitation's workspace grants become the new member's, in the same transaction. */
export async function claimInvitationGrants(
  trx: Transaction<Database>,
  orgId: string,
  invitationId: string,
  userId: string,
  now: Date,
): Promise<number> {
  const result = await trx
    .updateTable("workspace_grants")
    .set({ user_id: userId, invitation_id: null, updated_at: now })
    .where("org_id", "=", orgId)
    .where("invitation_id", "=", invitationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
