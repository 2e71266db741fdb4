/**
 * Checks every request's raw input before any schema reads it, for what no Roster input may hold:
 * NUL (Postgres cannot store it in text or jsonb), unpaired UTF-16 surrogates (not text; they turn
 * into U+FFFD on the way to the database, so what is stored differs from what was checked) and
 * nesting deep enough to overflow a recursive schema or JSON.stringify.
 */

/** An unpaired surrogate code unit (no `u` flag: the pattern works on UTF-16 code units). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any Roster input needs (metadata and setting values included). */
export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  path: (string | number)[];
  message: string;
}

const unstorable = (text: string) => text.includes("\u0000") || LONE_SURROGATE.test(text);

export function findInputProblem(input: unknown): InputProblem | null {
  // Iterative, so that the check itself cannot overflow the stack on the inputs it refuses.
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (unstorable(value))
        return {
          path,
          message: "Text cannot contain NUL characters or broken Unicode (unpaired surrogates).",
        };
    } else if (value !== null && typeof value === "object") {
      if (path.length >= MAX_INPUT_DEPTH)
        return { path, message: `This input is nested too deeply (at most ${MAX_INPUT_DEPTH} levels).` };
      const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
      for (const [key, child] of entries) {
        if (typeof key === "string" && unstorable(key))
          return { path, message: "Names of fields cannot contain NUL characters or broken Unicode." };
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return null;
}
