/**
 * A case-insensitive prefix pattern for `lower(column) like …`: `\`, `%` and `_` in what a person
 * typed match themselves. Undefined when the search is blank.
 */
export function likePrefix(search: string | undefined): string | undefined {
  const text = search?.trim();
  return text ? `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
}
