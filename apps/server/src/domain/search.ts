import { type RawBuilder, sql } from "kysely";

/**
 * A case-insensitive prefix pattern for `lower(column) like …`: `\`, `%` and `_` in what a person
 * typed match themselves. Undefined when the search is blank.
 */
export function likePrefix(search: string | undefined): string | undefined {
  const text = search?.trim();
  return text ? `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
}

/**
 * What a member search matches: every word typed is the start of a word of the person's name or
 * address ("chen" finds "Carol Chen", "example.com" finds everyone at example.com). Words are runs of
 * letters and digits, as Postgres's `[[:alnum:]]` sees them. A `to_tsquery('simple', …)` text of
 * prefix terms; undefined when the search is blank, null when it has no letters or digits (it
 * matches no one).
 */
export function wordQuery(search: string | undefined): string | null | undefined {
  if (!search?.trim()) return undefined;
  const words = search
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/**
 * The words of a name and an address, exactly as the GIN indexes build them (users_words_idx from
 * migration 0014, invitations_pending_words_idx from 0020): Postgres uses an expression index only
 * for the same expression.
 */
export function wordsOf(name: RawBuilder<unknown> | null, email: RawBuilder<unknown>): RawBuilder<unknown> {
  const text = name === null ? email : sql`coalesce(${name}, '') || ' ' || ${email}`;
  return sql`to_tsvector('simple'::regconfig, regexp_replace(lower(${text}), '[^[:alnum:]]+', ' ', 'g'))`;
}

/** `words @@ query`: the row's words match every word of the search. */
export function matchesWords(words: RawBuilder<unknown>, query: string | null): RawBuilder<boolean> {
  return query === null
    ? sql<boolean>`false`
    : sql<boolean>`${words} @@ to_tsquery('simple'::regconfig, ${query})`;
}
