import { type ClipboardEvent, type KeyboardEvent, useId, useRef, useState } from "react";
import { useInvitationsNow, useInviteMembers } from "../hooks/invitations.js";
import { usePermissions, useRoles } from "../hooks/organizations.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, InviteResult } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";
import { addEmails, looksLikeEmail, splitEmails } from "./emails.js";

export type InviteAction = { type: "invite"; orgId: string; emails: string[]; role: string };

export interface InviteFormProps extends ActionCallbacks<InviteAction> {
  orgId: string;
  className?: string;
  /** The role picked at first (default `member`). */
  defaultRole?: string;
}

/** Invites many people at once: addresses as removable chips, a role, and a result per address. */
export function InviteForm({ orgId, className, defaultRole = "member", onBefore, onAfter }: InviteFormProps) {
  const labels = useLabels();
  const ids = { heading: useId(), input: useId(), hint: useId(), invalid: useId() };
  const inputRef = useRef<HTMLInputElement>(null);
  const [emails, setEmails] = useState<string[]>([]);
  const [draft, setDraft] = useState("");
  const [role, setRole] = useState<string | null>(null);
  const [results, setResults] = useState<InviteResult[] | null>(null);
  const roles = useRoles(orgId);
  const permissions = usePermissions(orgId);
  const invite = useInviteMembers();
  const action = useAction<InviteAction>({ onBefore, onAfter });
  // The results follow what happens to the invitations afterwards (here or elsewhere).
  const now = useInvitationsNow(orgId, Boolean(results?.some((r) => r.invitationId)));

  const roleOptions = roles.data ?? [];
  const chosenRole =
    role ??
    (roleOptions.some((r) => r.key === defaultRole) ? defaultRole : (roleOptions[0]?.key ?? defaultRole));
  const invalidCount = emails.filter((e) => !looksLikeEmail(e)).length;
  const busy = action.busy !== null;

  const commit = (text: string) => {
    const parts = splitEmails(text);
    if (parts.length > 0) setEmails((current) => addEmails(current, parts));
  };

  const onChange = (value: string) => {
    // A separator typed (or dropped) ends the addresses before it; the rest stays in the field.
    const match = value.match(/^(.*)[\s,;]+([^\s,;]*)$/s);
    if (match) {
      commit(match[1] ?? "");
      setDraft(match[2] ?? "");
    } else {
      setDraft(value);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" && draft.trim()) {
      event.preventDefault();
      commit(draft);
      setDraft("");
    } else if (event.key === "Backspace" && draft === "" && emails.length > 0) {
      setEmails((current) => current.slice(0, -1));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData("text");
    if (!/[\s,;]/.test(text.trim())) return;
    event.preventDefault();
    commit(draft + text);
    setDraft("");
  };

  const remove = (email: string) => {
    setEmails((current) => current.filter((e) => e !== email));
    inputRef.current?.focus();
  };

  // What is still being typed stays in the field when it loses focus: turning it into a chip then
  // (and showing a warning for it) moved the Send button under a pressed mouse, losing the click.
  // Sending takes it along with the chips.
  const submit = async () => {
    const all = addEmails(emails, splitEmails(draft));
    if (all.length === 0) {
      action.setOutcome({ tone: "error", text: labels.noEmails });
      inputRef.current?.focus();
      return;
    }
    setEmails(all);
    setDraft("");
    setResults(null);
    const result = await action.run(
      { type: "invite", orgId, emails: all, role: chosenRole },
      "invite",
      () => invite.mutateAsync({ orgId, emails: all, role: chosenRole }),
      (r) => labels.invitedSummary(r.results.filter((x) => x.status === "invited").length, r.results.length),
    );
    if (result.ok) {
      setResults(result.result.results);
      setEmails([]);
    }
  };

  if (permissions.isSuccess && !permissions.can("members:invite")) {
    return (
      <section
        className={classNames("roster-widget roster-invite-form", className)}
        aria-labelledby={ids.heading}
      >
        <h2 id={ids.heading} className="roster-heading">
          {labels.inviteTitle}
        </h2>
        <p className="roster-note" data-status="forbidden">
          {labels.cannotInvite}
        </p>
      </section>
    );
  }

  return (
    <form
      className={classNames("roster-widget roster-invite-form", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id={ids.heading} className="roster-heading">
        {labels.inviteTitle}
      </h2>
      <label className="roster-label" htmlFor={ids.input}>
        {labels.emailsLabel}
      </label>
      <div className="roster-chip-input" data-invalid={invalidCount > 0 || undefined}>
        {emails.length > 0 ? (
          <ul className="roster-chips" aria-label={labels.emailsToInvite}>
            {emails.map((email) => {
              const valid = looksLikeEmail(email);
              return (
                <li key={email} className="roster-chip" data-invalid={!valid || undefined}>
                  <span>{email}</span>
                  {valid ? null : <span className="roster-visually-hidden"> ({labels.invalidEmail})</span>}
                  <button
                    type="button"
                    className="roster-chip-remove"
                    aria-label={labels.removeEmail(email)}
                    disabled={busy}
                    onClick={() => remove(email)}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
        <input
          ref={inputRef}
          id={ids.input}
          className="roster-chip-field"
          type="text"
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          disabled={busy}
          aria-describedby={invalidCount > 0 ? `${ids.hint} ${ids.invalid}` : ids.hint}
          aria-invalid={invalidCount > 0 || undefined}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
      </div>
      <p id={ids.hint} className="roster-hint">
        {labels.emailsHint}
      </p>
      {invalidCount > 0 ? (
        <p id={ids.invalid} className="roster-warning">
          {labels.invalidCount(invalidCount)}
        </p>
      ) : null}
      <div className="roster-form-row">
        <label className="roster-field">
          <span className="roster-label">{labels.inviteRole}</span>
          <select
            className="roster-select"
            value={chosenRole}
            disabled={busy}
            onChange={(e) => setRole(e.target.value)}
          >
            {roleOptions.length === 0 ? <option value={chosenRole}>{chosenRole}</option> : null}
            {roleOptions.map((r) => (
              <option key={r.key} value={r.key}>
                {roleLabel(labels, r.key, r.name)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="roster-button"
          data-variant="primary"
          disabled={busy}
          aria-busy={busy}
          data-busy={busy || undefined}
        >
          {busy ? labels.working : labels.sendInvitations}
        </button>
      </div>
      <StatusRegion outcome={action.outcome} busy={busy} />
      {results ? (
        <ul className="roster-results" aria-label={labels.inviteResults}>
          {results.map((r) => {
            const invitation = r.invitationId ? now.get(r.invitationId) : undefined;
            const state = r.status === "invited" && invitation ? invitation.status : null;
            return (
              <li
                key={r.email}
                className="roster-result"
                data-result={r.status}
                data-invitation-status={state ?? undefined}
              >
                <span className="roster-result-email">{r.email}</span>
                <span className="roster-badge" data-status={state ?? r.status}>
                  {state ? labels.invitationNow[state] : labels.result[r.status]}
                </span>
                {state === "pending" && invitation && invitation.sendCount > 1 ? (
                  <span className="roster-result-note">{labels.sentTimes(invitation.sendCount)}</span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </form>
  );
}
