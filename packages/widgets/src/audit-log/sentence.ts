import { type Labels, roleLabel } from "../labels.js";
import type { AuditEvent } from "../types.js";

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * An audit entry as a sentence in the reader's language: names instead of ids (the server sends
 * the target's name and the names of the people in `data`), role names instead of keys, and the
 * before and after of the change ("Ana changed Bob’s role from Member to Admin").
 */
export function auditSentence(e: AuditEvent, labels: Labels): string {
  const data = e.data ?? {};
  const personName = (id: unknown) => (typeof id === "string" ? (e.people[id] ?? labels.formerMember) : "");
  const actor = e.actor ? e.actor.name || e.actor.email : labels.system;
  const target =
    e.targetName ??
    (text(data.email) || (e.targetType === "user" ? labels.formerMember : (e.targetId ?? "")));
  const role = (key: unknown) => (typeof key === "string" ? roleLabel(labels, key) : "");
  const isRoleChange = e.action === "member.role_changed";
  const isTransfer = e.action === "resource.transferred";
  const parts = {
    actor,
    target,
    role: role(data.role),
    from: isRoleChange ? role(data.from) : isTransfer ? personName(data.from) : text(data.from),
    to: isRoleChange ? role(data.to) : isTransfer ? personName(data.to) : text(data.to),
    person: personName(data.transferTo ?? data.chargedTo),
    verb: labels.resourceVerbs[text(data.action)] ?? text(data.action),
    amount: typeof data.amount === "number" ? data.amount.toLocaleString() : text(data.amount),
  };
  const sentence = labels.auditSentences[e.action];
  if (sentence) return sentence(parts);
  return target ? `${actor}: ${e.action} (${target})` : `${actor}: ${e.action}`;
}
