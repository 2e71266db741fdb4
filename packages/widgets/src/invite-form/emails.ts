/** Splits typed or pasted text into addresses: commas, semicolons, spaces and new lines separate them. */
export function splitEmails(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/**
 * Whether the server will take an address: the server's own check (`isEmailAddress` from the SDK),
 * so an address marked fine here is never refused as invalid after sending.
 */
export { isEmailAddress as looksLikeEmail } from "@roster/sdk";

/** Adds addresses to a list, keeping the first spelling of each (case-insensitive). */
export function addEmails(current: string[], added: string[]): string[] {
  const seen = new Set(current.map((e) => e.toLowerCase()));
  const next = [...current];
  for (const email of added) {
    const key = email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    next.push(email);
  }
  return next;
}
