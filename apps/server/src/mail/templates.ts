import type { EmailMessage } from "../outbox/enqueue.js";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

interface Layout {
  to: string;
  subject: string;
  /** Paragraphs of plain text; the HTML body shows the same words. */
  paragraphs: string[];
  action: { label: string; url: string };
  footer: string;
}

function render({ to, subject, paragraphs, action, footer }: Layout): EmailMessage {
  const text = [...paragraphs, `${action.label}: ${action.url}`, footer].join("\n\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="font-size:13px;color:#555">Or paste this link into your browser: ${escapeHtml(action.url)}</p>
<p style="font-size:13px;color:#555">${escapeHtml(footer)}</p>
</body></html>`;
  return { to, subject, text, html };
}

export function verificationEmail(to: string, name: string, url: string): EmailMessage {
  return render({
    to,
    subject: "Confirm your email address",
    paragraphs: [
      `Hi ${name},`,
      `Confirm that ${to} is your email address to finish setting up your account.`,
    ],
    action: { label: "Confirm email address", url },
    footer: "The link works once and expires in 24 hours. If you did not sign up, ignore this email.",
  });
}

export function passwordResetEmail(to: string, name: string, url: string): EmailMessage {
  return render({
    to,
    subject: "Reset your password",
    paragraphs: [
      `Hi ${name},`,
      "Someone asked to reset the password of your account. Choose a new one here.",
    ],
    action: { label: "Choose a new password", url },
    footer: "The link works once and expires in 1 hour. If you did not ask for this, ignore this email.",
  });
}

export function emailChangedNotice(
  to: string,
  name: string,
  newEmail: string,
  resetUrl: string,
): EmailMessage {
  return render({
    to,
    subject: "Your account's email address was changed",
    paragraphs: [
      `Hi ${name},`,
      `The email address of your account is now ${newEmail}. This address (${to}) no longer signs in.`,
      "If you did not make this change, reset your password at once and contact support.",
    ],
    action: { label: "Reset your password", url: resetUrl },
    footer: "You receive this because this address belonged to the account until now.",
  });
}

export function invitationEmail(
  to: string,
  details: { organization: string; inviter: string; role: string; url: string; expiresAt: Date },
): EmailMessage {
  return render({
    to,
    subject: `${details.inviter} invited you to join ${details.organization}`,
    paragraphs: [
      `${details.inviter} invited you to join ${details.organization} as ${article(details.role)} ${details.role}.`,
      "Accept the invitation to share the organization's configuration, resources and credits.",
    ],
    action: { label: `Join ${details.organization}`, url: details.url },
    footer: `This invitation expires on ${details.expiresAt.toUTCString()}. If you were not expecting it, ignore this email.`,
  });
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");

export function accountLinkEmail(to: string, name: string, host: string, url: string): EmailMessage {
  return render({
    to,
    subject: `Connect your account to ${host}`,
    paragraphs: [
      `Hi ${name},`,
      `${host} asked to connect its account for ${to} to your existing Roster account, so that it can show your organizations. Open this link to allow it.`,
    ],
    action: { label: `Connect to ${host}`, url },
    footer:
      "The link works once and expires in 24 hours. If you did not ask for this, ignore this email: nothing is connected.",
  });
}

/** An automatic invitation: the person's confirmed address is on a domain the organization verified. */
export function domainInvitationEmail(
  to: string,
  details: { organization: string; domain: string; role: string; url: string; expiresAt: Date },
): EmailMessage {
  return render({
    to,
    subject: `Join ${details.organization}`,
    paragraphs: [
      `${details.organization} has verified ${details.domain} and invites everyone with an address there to join as ${article(details.role)} ${details.role}.`,
      "Accept the invitation to share the organization's configuration, resources and credits.",
    ],
    action: { label: `Join ${details.organization}`, url: details.url },
    footer: `This invitation expires on ${details.expiresAt.toUTCString()}. If you were not expecting it, ignore this email.`,
  });
}

/** Tells an organization's admins that someone on one of its domains asks to join. */
export function joinRequestEmail(
  to: string,
  details: { organization: string; requester: string; email: string; url: string },
): EmailMessage {
  return render({
    to,
    subject: `${details.requester} asks to join ${details.organization}`,
    paragraphs: [
      `${details.requester} (${details.email}) asks to join ${details.organization}.`,
      "Approve the request with a role, or reject it, from the organization's members page.",
    ],
    action: { label: "Review the request", url: details.url },
    footer: "You receive this because you can add members to this organization.",
  });
}

/** Tells a person that their request to join was approved. */
export function joinRequestApprovedEmail(
  to: string,
  details: { organization: string; role: string; url: string },
): EmailMessage {
  return render({
    to,
    subject: `You joined ${details.organization}`,
    paragraphs: [
      `Your request to join ${details.organization} was approved: you are ${article(details.role)} ${details.role}.`,
    ],
    action: { label: `Open ${details.organization}`, url: details.url },
    footer: "If you did not ask to join, you can leave the organization from its page.",
  });
}

/** Tells a member what an admin changed about their membership. */
export function memberNoticeEmail(
  to: string,
  details: {
    name: string | null;
    organization: string;
    url: string;
    change:
      | { kind: "removed" }
      | { kind: "deactivated" }
      | { kind: "role_changed"; from: string; to: string };
  },
): EmailMessage {
  const { organization, change } = details;
  const hello = details.name ? `Hello ${details.name},` : "Hello,";
  const said = {
    removed: {
      subject: `You were removed from ${organization}`,
      line: `You are no longer a member of ${organization}: you cannot see or use it any more.`,
      action: "Open Roster",
    },
    deactivated: {
      subject: `Your access to ${organization} is paused`,
      line: `Your membership of ${organization} was deactivated: you keep your seat, but cannot use the organization until an admin reactivates you.`,
      action: "Open Roster",
    },
    role_changed: {
      subject: `Your role in ${organization} changed`,
      line:
        change.kind === "role_changed"
          ? `Your role in ${organization} changed from ${change.from} to ${change.to}.`
          : "",
      action: `Open ${organization}`,
    },
  }[change.kind];
  return render({
    to,
    subject: said.subject,
    paragraphs: [hello, said.line],
    action: { label: said.action, url: details.url },
    footer: "If you think this is a mistake, ask an admin of the organization.",
  });
}

/** What changed in how an account signs in, for the notice its owner is sent. */
export type SecurityChange =
  | { kind: "two_factor_enabled" }
  | { kind: "two_factor_disabled" }
  | { kind: "recovery_codes_regenerated" }
  | { kind: "passkey_added"; passkey: string }
  | { kind: "passkey_removed"; passkey: string }
  | { kind: "password_changed" };

/** Tells a person that how their account signs in changed, so a change they did not make is noticed. */
export function securityChangeEmail(
  to: string,
  details: { name: string | null; url: string; change: SecurityChange },
): EmailMessage {
  const { change } = details;
  const said: Record<SecurityChange["kind"], { subject: string; line: string }> = {
    two_factor_enabled: {
      subject: "Two-factor sign-in is on",
      line: "An authenticator app was set up for your account: signing in now asks for its code.",
    },
    two_factor_disabled: {
      subject: "Two-factor sign-in was turned off",
      line: "The authenticator app of your account was turned off: signing in no longer asks for its code.",
    },
    recovery_codes_regenerated: {
      subject: "New recovery codes were made",
      line: "A new set of recovery codes was made for your account. The previous codes no longer work.",
    },
    passkey_added: {
      subject: "A passkey was added to your account",
      line: `A passkey named "${"passkey" in change ? change.passkey : ""}" was added: it can now sign in to your account.`,
    },
    passkey_removed: {
      subject: "A passkey was removed from your account",
      line: `The passkey named "${"passkey" in change ? change.passkey : ""}" was removed: it no longer signs in to your account.`,
    },
    password_changed: {
      subject: "Your password was changed",
      line: "The password of your account was changed, and your other sessions were signed out.",
    },
  };
  const { subject, line } = said[change.kind];
  return render({
    to,
    subject,
    paragraphs: [
      details.name ? `Hello ${details.name},` : "Hello,",
      line,
      "If you did not make this change, reset your password at once and review your account's security.",
    ],
    action: { label: "Review your account's security", url: details.url },
    footer: "You receive this for every change to how your account signs in.",
  });
}
