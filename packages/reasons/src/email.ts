/**
 * Whether text is an email address Roster accepts: the one check the server applies to every
 * address (sign-up, invitations) and clients apply before sending, so a form never marks as fine an
 * address the server refuses. ASCII only, as Zod's email check: `zoë@example.com` is not accepted
 * (many mail servers refuse unencoded international addresses).
 */
export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
