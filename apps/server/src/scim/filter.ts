/**
 * SCIM filters (RFC 7644 §3.4.2.2): a small parser of the grammar, and an evaluator for the value
 * filters of PATCH paths (`members[value eq "…"]`, `emails[type eq "work"]`). Attribute names are
 * compared without case, as the RFC asks; string comparisons too (caseExact is false for every
 * attribute Roster serves).
 */

export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
export type Filter =
  | { op: CompareOp; path: string; value: string | number | boolean | null }
  | { op: "pr"; path: string }
  | { op: "and" | "or"; filters: [Filter, Filter] }
  | { op: "not"; filter: Filter }
  /** `emails[type eq "work"]`, optionally followed by `.value` and a comparison in `compare`. */
  | { op: "[]"; path: string; filter: Filter; compare?: Filter };

export class FilterSyntaxError extends Error {}

const COMPARE = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

type Token = { kind: "word" | "string" | "punct"; text: string; value?: unknown };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if ("()[]".includes(ch)) {
      tokens.push({ kind: "punct", text: ch });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === "\\" ? 2 : 1;
      if (j >= input.length) throw new FilterSyntaxError("A quoted value is not closed.");
      const raw = input.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        throw new FilterSyntaxError(`${raw} is not a valid string.`);
      }
      tokens.push({ kind: "string", text: raw, value });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j] as string)) j++;
      tokens.push({ kind: "word", text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export function parseFilter(input: string): Filter {
  if (input.length > 2000) throw new FilterSyntaxError("The filter is too long.");
  const tokens = tokenize(input);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    const t = tokens[at++];
    if (!t) throw new FilterSyntaxError("The filter ends too early.");
    return t;
  };
  const keyword = (word: string) => peek()?.kind === "word" && peek()?.text.toLowerCase() === word;
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text) throw new FilterSyntaxError(`Expected "${text}" but found "${t.text}".`);
  };

  const compValue = (): string | number | boolean | null => {
    const t = next();
    if (t.kind === "string") return t.value as string;
    const lower = t.text.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t.text)) return Number(t.text);
    throw new FilterSyntaxError(`"${t.text}" is not a value: quote strings ("…").`);
  };

  const comparison = (path: string): Filter => {
    const opToken = next();
    const op = opToken.text.toLowerCase();
    if (op === "pr") return { op: "pr", path };
    if (!COMPARE.has(op)) throw new FilterSyntaxError(`"${opToken.text}" is not a comparison operator.`);
    return { op: op as CompareOp, path, value: compValue() };
  };

  const attrPath = (): string => {
    const t = next();
    if (t.kind !== "word" || !/^[A-Za-z][\w$:.-]*$/.test(t.text)) {
      throw new FilterSyntaxError(`"${t.text}" is not an attribute name.`);
    }
    return t.text;
  };

  const unary = (depth: number): Filter => {
    if (depth > 16) throw new FilterSyntaxError("The filter nests too deep.");
    if (keyword("not")) {
      next();
      expect("(");
      const inner = or(depth + 1);
      expect(")");
      return { op: "not", filter: inner };
    }
    if (peek()?.text === "(") {
      next();
      const inner = or(depth + 1);
      expect(")");
      return inner;
    }
    const path = attrPath();
    if (peek()?.text === "[") {
      next();
      const inner = or(depth + 1);
      expect("]");
      // `emails[type eq "work"].value eq "…"` (as Microsoft Entra sends it).
      const rest = peek();
      if (rest?.kind === "word" && rest.text.startsWith(".")) {
        next();
        return { op: "[]", path, filter: inner, compare: comparison(rest.text.slice(1)) };
      }
      return { op: "[]", path, filter: inner };
    }
    return comparison(path);
  };

  const and = (depth: number): Filter => {
    let left = unary(depth);
    while (keyword("and")) {
      next();
      left = { op: "and", filters: [left, unary(depth)] };
    }
    return left;
  };

  const or = (depth: number): Filter => {
    let left = and(depth);
    while (keyword("or")) {
      next();
      left = { op: "or", filters: [left, and(depth)] };
    }
    return left;
  };

  const filter = or(0);
  if (at < tokens.length) throw new FilterSyntaxError(`Unexpected "${tokens[at]?.text}" in the filter.`);
  return filter;
}

/** A key of `item` matching `name` without case. */
export function keyOf(item: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(item).find((k) => k.toLowerCase() === lower);
}

function read(item: unknown, path: string): unknown {
  let value: unknown = item;
  for (const part of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    const key = keyOf(value as Record<string, unknown>, part);
    value = key === undefined ? undefined : (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(actual: unknown, op: CompareOp, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected));
  const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  const a = norm(actual);
  const e = norm(expected);
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    case "co":
      return typeof a === "string" && typeof e === "string" && a.includes(e);
    case "sw":
      return typeof a === "string" && typeof e === "string" && a.startsWith(e);
    case "ew":
      return typeof a === "string" && typeof e === "string" && a.endsWith(e);
    default: {
      if (a === undefined || a === null || e === null) return false;
      const [x, y] = [a as string | number, e as string | number];
      return op === "gt" ? x > y : op === "ge" ? x >= y : op === "lt" ? x < y : x <= y;
    }
  }
}

/** Whether `item` (a multi-valued attribute's entry, or a resource) matches `filter`. */
export function matches(item: unknown, filter: Filter): boolean {
  switch (filter.op) {
    case "and":
      return matches(item, filter.filters[0]) && matches(item, filter.filters[1]);
    case "or":
      return matches(item, filter.filters[0]) || matches(item, filter.filters[1]);
    case "not":
      return !matches(item, filter.filter);
    case "pr": {
      const v = read(item, filter.path);
      return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
    }
    case "[]": {
      const list = read(item, filter.path);
      const entries = Array.isArray(list) ? list : list === undefined ? [] : [list];
      return entries.some(
        (e) => matches(e, filter.filter) && (!filter.compare || matches(e, filter.compare)),
      );
    }
    default:
      return compare(read(item, filter.path), filter.op, filter.value);
  }
}
