import { type Filter, FilterSyntaxError, keyOf, matches, parseFilter } from "./filter.js";

/**
 * SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON, as the identity providers send it:
 * Okta (`replace` with a value object, `members[value eq "…"]` paths) and Microsoft Entra
 * (capitalised `Replace`/`Add`/`Remove`, no path and a value object with dotted keys,
 * `emails[type eq "work"].value`, `members` removals by value list, `"False"` for false). The
 * result is then written as a PUT would be, so PATCH and PUT share one set of rules.
 */

export class PatchError extends Error {
  constructor(
    readonly scimType: "invalidPath" | "invalidValue" | "noTarget" | "invalidSyntax",
    message: string,
  ) {
    super(message);
  }
}

export type ScimDoc = Record<string, unknown>;

const CORE_PREFIXES = [
  "urn:ietf:params:scim:schemas:core:2.0:user:",
  "urn:ietf:params:scim:schemas:core:2.0:group:",
];
const EXTENSION_PREFIX = "urn:ietf:params:scim:schemas:extension:";

interface Path {
  /** Where the attribute lives: the resource, or an extension's object (its URN). */
  container: string | null;
  attr: string;
  filter?: Filter;
  sub?: string;
}

function parsePath(raw: string): Path {
  let rest = raw.trim();
  const lower = rest.toLowerCase();
  let container: string | null = null;
  const core = CORE_PREFIXES.find((p) => lower.startsWith(p));
  if (core) rest = rest.slice(core.length);
  else if (lower.startsWith(EXTENSION_PREFIX)) {
    // urn:…:enterprise:2.0:User:department → container "urn:…:enterprise:2.0:User", attr "department".
    const cut = rest.lastIndexOf(":");
    container = rest.slice(0, cut);
    rest = rest.slice(cut + 1);
  }
  const bracket = rest.indexOf("[");
  if (bracket === -1) {
    const [attr, sub, extra] = rest.split(".");
    if (!attr || extra !== undefined || !/^[A-Za-z$][\w$-]*$/.test(attr)) {
      throw new PatchError("invalidPath", `"${raw}" is not a path this server understands.`);
    }
    return sub === undefined ? { container, attr } : { container, attr, sub };
  }
  const close = rest.lastIndexOf("]");
  if (close < bracket) throw new PatchError("invalidPath", `"${raw}" has an unclosed "[".`);
  const attr = rest.slice(0, bracket);
  let filter: Filter;
  try {
    filter = parseFilter(rest.slice(bracket + 1, close));
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new PatchError("invalidPath", error.message);
    throw error;
  }
  const after = rest.slice(close + 1);
  if (after && !/^\.[A-Za-z$][\w$-]*$/.test(after)) {
    throw new PatchError("invalidPath", `"${raw}" is not a path this server understands.`);
  }
  return after ? { container, attr, filter, sub: after.slice(1) } : { container, attr, filter };
}

/** The object an attribute of `path` lives in, created when writing. */
function holder(doc: ScimDoc, path: Path, create: boolean): ScimDoc | undefined {
  if (path.container === null) return doc;
  const key = keyOf(doc, path.container) ?? (create ? path.container : undefined);
  if (key === undefined) return undefined;
  const value = doc[key];
  if (value && typeof value === "object" && !Array.isArray(value)) return value as ScimDoc;
  if (!create) return undefined;
  const made: ScimDoc = {};
  doc[key] = made;
  return made;
}

function setKey(obj: ScimDoc, name: string, value: unknown): void {
  obj[keyOf(obj, name) ?? name] = value;
}

function isObject(value: unknown): value is ScimDoc {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** The entries a value filter asks for; an `eq` filter also says what a new entry holds. */
function seed(filter: Filter): ScimDoc {
  if (filter.op === "eq") return { [filter.path]: filter.value };
  if (filter.op === "and") return { ...seed(filter.filters[0]), ...seed(filter.filters[1]) };
  return {};
}

function sameEntry(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && "value" in a && "value" in b) {
    return String(a.value).toLowerCase() === String(b.value).toLowerCase();
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function apply(doc: ScimDoc, op: "add" | "replace" | "remove", path: Path, value: unknown): void {
  const target = holder(doc, path, op !== "remove");
  if (!target) return;
  const key = keyOf(target, path.attr) ?? path.attr;
  const current = target[key];
  if (path.filter) {
    const list = Array.isArray(current) ? current : [];
    const hits = list.filter((e) => matches(e, path.filter as Filter));
    if (op === "remove") {
      if (!path.sub) {
        target[key] = list.filter((e) => !hits.includes(e));
        return;
      }
      for (const e of hits) if (isObject(e)) delete e[keyOf(e, path.sub) ?? path.sub];
      return;
    }
    if (hits.length === 0) {
      // Entra replaces `emails[type eq "work"].value` on a user who has no work address yet.
      const entry = seed(path.filter);
      if (path.sub) entry[path.sub] = value;
      else if (isObject(value)) Object.assign(entry, value);
      target[key] = [...list, entry];
      return;
    }
    for (const e of hits) {
      if (!isObject(e)) continue;
      if (path.sub) setKey(e, path.sub, value);
      else if (isObject(value)) for (const [k, v] of Object.entries(value)) setKey(e, k, v);
    }
    return;
  }
  if (path.sub) {
    if (op === "remove") {
      if (isObject(current)) delete current[keyOf(current, path.sub) ?? path.sub];
      return;
    }
    const obj = isObject(current) ? current : {};
    setKey(obj, path.sub, value);
    target[key] = obj;
    return;
  }
  if (op === "remove") {
    // Entra removes members by listing them as the value of a `members` removal.
    if (Array.isArray(current) && Array.isArray(value) && value.length > 0) {
      target[key] = current.filter((e) => !value.some((v) => sameEntry(e, v)));
    } else {
      delete target[key];
    }
    return;
  }
  if (op === "add" && Array.isArray(current)) {
    const adding = Array.isArray(value) ? value : [value];
    target[key] = [...current, ...adding.filter((v) => !current.some((e) => sameEntry(e, v)))];
    return;
  }
  if (op === "add" && isObject(current) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) setKey(current, k, v);
    return;
  }
  target[key] = value;
}

/** The PATCH request's body: checked here so that every refusal names what is wrong. */
export function applyPatch(doc: ScimDoc, body: unknown): ScimDoc {
  if (!isObject(body)) throw new PatchError("invalidSyntax", "The body must be a PatchOp object.");
  const operations = body[keyOf(body, "Operations") ?? "Operations"];
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new PatchError("invalidSyntax", "Operations must be a non-empty list.");
  }
  if (operations.length > 1000)
    throw new PatchError("invalidSyntax", "At most 1000 operations are accepted.");
  const result = structuredClone(doc);
  for (const operation of operations) {
    if (!isObject(operation)) throw new PatchError("invalidSyntax", "Each operation must be an object.");
    const op = String(operation[keyOf(operation, "op") ?? "op"] ?? "").toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove") {
      throw new PatchError("invalidSyntax", `"${String(operation.op)}" is not add, replace or remove.`);
    }
    const rawPath = operation[keyOf(operation, "path") ?? "path"];
    const value = operation[keyOf(operation, "value") ?? "value"];
    if (rawPath === undefined || rawPath === null || rawPath === "") {
      if (op === "remove") throw new PatchError("noTarget", "A remove operation needs a path.");
      if (!isObject(value))
        throw new PatchError("invalidValue", "Without a path, the value must be an object.");
      // Each key is a path of its own (Entra sends `name.givenName` and extension URNs as keys).
      for (const [k, v] of Object.entries(value)) apply(result, op, parsePath(k), v);
      continue;
    }
    if (typeof rawPath !== "string") throw new PatchError("invalidPath", "path must be a string.");
    apply(result, op, parsePath(rawPath), value);
  }
  return result;
}

/** SCIM booleans as providers send them: Entra sends "True" and "False" as strings. */
export function scimBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return undefined;
}
