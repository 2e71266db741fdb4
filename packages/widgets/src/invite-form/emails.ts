/** Splits typed or pasted text into addresses: commas, semicolons, spaces and new lines separate them. */
export function splitEmails(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/**
 * A first look at an address, to mark obvious typos before sending. The server decides: it checks
 * every address again and reports those it refuses as invalid.
 */
export function looksLikeEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

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
