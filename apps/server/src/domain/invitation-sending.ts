import { randomUUID } from "node:crypto";
import type { Database, Invitation } from "@roster/db";
import { sql, type Transaction } from "kysely";
import { type Alongside, runWrites } from "../alongside.js";
import { generateEmailToken, hashSecret } from "../auth/tokens.js";
import { addSeconds } from "../clock.js";
import type { Deps } from "../deps.js";
import { invitationEmail } from "../mail/templates.js";
import { emailsToEnqueue } from "../outbox/enqueue.js";
import type { OrgAccess } from "./access.js";
import { recordChanges } from "./audit.js";
import { toEventInvitation } from "./event-rows.js";
import { invitationUrls } from "./host-links.js";
import { roleName } from "./roles.js";

/**
 * Writing invitations and their emails, set-based: a batch of a hundred addresses costs the same
 * few statements as one (one insert of the invitations, one of their emails), and what every email
 * shares (the organization, the inviter, the role's name, a host's pages) is read once.
 */

export const invitationTtlSeconds = (deps: Deps) => deps.config.invitationTtlDays * 24 * 60 * 60;

/** An invitation with the token its email carries (the row keeps only its hash and a sealed copy). */
export interface InvitationToSend {
  inv: Invitation;
  token: string;
}

/** What every invitation email of a batch names: the organization, and each inviter by id. */
export interface InvitationNames {
  organization: string;
  inviters: ReadonlyMap<string, string | null>;
}

/**
 * Queues the email of each invitation (its link, its inviter, its role), in the caller's
 * transaction. `names` are read here unless the caller already holds them.
 */
export async function enqueueInvitationEmails(
  deps: Deps,
  trx: Transaction<Database>,
  sends: readonly InvitationToSend[],
  now: Date,
  names?: InvitationNames,
): Promise<void> {
  await runWrites(trx, await invitationEmails(deps, trx, sends, now, names));
}

/**
 * `enqueueInvitationEmails` as a write to send along with another statement (`Alongside`): the
 * messages are written here, their insert is the caller's to send.
 */
export async function invitationEmails(
  deps: Deps,
  trx: Transaction<Database>,
  sends: readonly InvitationToSend[],
  now: Date,
  names?: InvitationNames,
): Promise<Alongside[]> {
  const first = sends[0];
  if (!first) return [];
  const orgId = first.inv.org_id;
  const { organization, inviters } = names ?? (await readInvitationNames(trx, orgId, sends));
  const roles = new Map<string, string>();
  for (const key of new Set(sends.map(({ inv }) => inv.role))) {
    roles.set(key, (await roleName(trx, orgId, key)).toLowerCase());
  }
  const urls = await invitationUrls(deps, trx, sends);
  return emailsToEnqueue(
    sends.map(({ inv }, i) => ({
      idempotencyKey: `invitation:${inv.id}:${inv.send_count}`,
      message: invitationEmail(inv.email, {
        organization,
        inviter: (inv.inviter_id ? inviters.get(inv.inviter_id) : undefined) ?? "A member",
        role: roles.get(inv.role) as string,
        url: urls[i] as string,
        expiresAt: inv.expires_at,
      }),
    })),
    now,
    deps.sealer,
  );
}

async function readInvitationNames(
  trx: Transaction<Database>,
  orgId: string,
  sends: readonly InvitationToSend[],
): Promise<InvitationNames> {
  const inviterIds = [...new Set(sends.flatMap(({ inv }) => (inv.inviter_id ? [inv.inviter_id] : [])))];
  const rows = await trx
    .selectFrom("organizations as o")
    .leftJoin("users as u", (j) =>
      inviterIds.length > 0 ? j.on("u.id", "in", inviterIds) : j.on(sql<boolean>`false`),
    )
    .select(["o.name as org_name", "u.id as inviter_id", "u.name as inviter_name"])
    .where("o.id", "=", orgId)
    .execute();
  const organization = rows[0]?.org_name;
  if (organization === undefined) throw new Error(`No organization ${orgId}.`);
  const inviters = new Map(rows.flatMap((r) => (r.inviter_id ? [[r.inviter_id, r.inviter_name]] : [])));
  return { organization, inviters };
}

/**
 * New pending invitations to `emails` (each address once), in the order given, made here (ids,
 * tokens, every column as the insert writes it) and returned with their insert, one statement for
 * the caller to send along with another (`Alongside`).
 */
export function newInvitations(
  deps: Deps,
  access: OrgAccess,
  input: {
    emails: readonly string[];
    role: string;
    metadata?: Record<string, unknown> | undefined;
    redirectUrl?: string | undefined;
  },
  now: Date,
): { sends: InvitationToSend[]; insert: Alongside[] } {
  if (input.emails.length === 0) return { sends: [], insert: [] };
  const metadata = input.metadata ?? {};
  const expiresAt = addSeconds(now, invitationTtlSeconds(deps));
  const sends = input.emails.map((email): InvitationToSend => {
    const token = generateEmailToken();
    const inv: Invitation = {
      id: randomUUID(),
      org_id: access.orgId,
      email,
      role: input.role,
      status: "pending",
      token_hash: hashSecret(token),
      token_sealed: deps.sealer.seal(token),
      metadata,
      inviter_id: access.actor.userId,
      host_key_id: access.actor.hostKeyId ?? null,
      redirect_url: input.redirectUrl ?? null,
      expires_at: expiresAt,
      send_count: 1,
      last_sent_at: now,
      responded_by: null,
      responded_at: null,
      expiry_published_at: null,
      created_at: now,
      updated_at: now,
    };
    return { inv, token };
  });
  const rows = sends.map(({ inv }) => ({ ...inv, metadata: JSON.stringify(inv.metadata) }));
  return { sends, insert: [(db) => db.insertInto("invitations").values(rows)] };
}

/**
 * Extends pending invitations' expiry and counts one more send, in one statement; returns them,
 * in the order given, with their tokens (opened from the sealed copy) to email again.
 */
export async function renewInvitations(
  deps: Deps,
  trx: Transaction<Database>,
  invitationIds: readonly string[],
  now: Date,
): Promise<InvitationToSend[]> {
  if (invitationIds.length === 0) return [];
  const rows = await trx
    .updateTable("invitations")
    .set((eb) => ({
      expires_at: addSeconds(now, invitationTtlSeconds(deps)),
      send_count: eb("send_count", "+", 1),
      last_sent_at: now,
      updated_at: now,
    }))
    .where("id", "in", [...invitationIds])
    .returningAll()
    .execute();
  const byId = new Map(rows.map((inv) => [inv.id, inv]));
  return invitationIds.map((id) => {
    const inv = byId.get(id);
    if (!inv) throw new Error(`No invitation ${id} to renew.`);
    return { inv, token: deps.sealer.open(inv.token_sealed) };
  });
}

/** Extends a pending invitation's expiry and emails its link again (resend). */
export async function renewAndSend(
  deps: Deps,
  trx: Transaction<Database>,
  access: OrgAccess,
  invitationId: string,
  now: Date,
): Promise<Invitation> {
  const [renewed] = await renewInvitations(deps, trx, [invitationId], now);
  const { inv } = renewed as InvitationToSend;
  await recordChanges(
    trx,
    access,
    now,
    [{ action: "invitation.resent", target: ["invitation", inv.id], data: { email: inv.email } }],
    { invitations: new Map([[inv.id, toEventInvitation(inv)]]) },
    await invitationEmails(deps, trx, [renewed as InvitationToSend], now),
  );
  return inv;
}
