import type { z } from "zod";

/**
 * Reads a procedure's zod 4 input schemas (through `_zod.def`) to build a plausible input and to
 * list the fields a hostile variant can replace. Only the shapes Roster's routers use are handled.
 */
type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const def = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const bag = (schema: Schema): Record<string, unknown> =>
  (schema as unknown as { _zod: { bag?: Record<string, unknown> } })._zod.bag ?? {};

export type FieldKind = "string" | "number" | "boolean" | "array" | "object" | "record" | "json" | "enum";

export interface Field {
  /** Where the field is in the input, e.g. ["events", 0, "unit"]. */
  path: (string | number)[];
  kind: FieldKind;
  schema: Schema;
  /** The field's own name (the last string in its path). */
  name: string;
}

/** Optional, nullable, default and pipe wrappers removed. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if (d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "readonly")
      s = d.innerType as Schema;
    else if (d.type === "pipe") s = d.in as Schema;
    else return s;
  }
}

function kindOf(schema: Schema): FieldKind {
  const d = def(unwrap(schema));
  switch (d.type) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return "array";
    case "object":
      return "object";
    case "record":
      return "record";
    case "enum":
      return "enum";
    default:
      // z.json() is a lazy union of everything JSON.
      return "json";
  }
}

/** The object schema a procedure's inputs merge into (orgProcedure adds `{ orgId }` first). */
export function objectShapes(inputs: Schema[]): Record<string, Schema> | null {
  let shape: Record<string, Schema> | null = null;
  for (const input of inputs) {
    let s = unwrap(input);
    // A union of objects (accept by id or by token): the first option stands for it.
    if (def(s).type === "union") s = unwrap((def(s).options as Schema[])[0]!);
    if (def(s).type !== "object") return shape;
    shape = { ...(shape ?? {}), ...(def(s).shape as Record<string, Schema>) };
  }
  return shape;
}

/** Every field, nested objects and the first element of arrays included. */
export function fields(shape: Record<string, Schema>, prefix: (string | number)[] = []): Field[] {
  const out: Field[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const path = [...prefix, name];
    const kind = kindOf(schema);
    out.push({ path, kind, schema, name });
    const inner = unwrap(schema);
    if (kind === "object") out.push(...fields(def(inner).shape as Record<string, Schema>, path));
    if (kind === "array") {
      const element = unwrap(def(inner).element as Schema);
      const elementKind = kindOf(element);
      if (elementKind === "object")
        out.push(...fields(def(element).shape as Record<string, Schema>, [...path, 0]));
      else out.push({ path: [...path, 0], kind: elementKind, schema: element, name });
    }
  }
  return out;
}

/** A value the schema accepts, preferring `known[name]` (real ids from the fixtures). */
export function validValue(schema: Schema, name: string, known: Record<string, unknown>): unknown {
  if (name in known) return known[name];
  const s = unwrap(schema);
  const d = def(s);
  const b = bag(s);
  switch (d.type) {
    case "string": {
      if (b.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      if (b.format === "email") return "valid.person@example.com";
      if (b.format === "url") return "https://example.com/hooks/roster";
      if (b.format === "datetime") return "2026-06-01T00:00:00Z";
      const min = typeof b.minimum === "number" ? b.minimum : 0;
      return "valid".padEnd(Math.max(min, 5), "x");
    }
    case "number":
      return typeof b.minimum === "number" && b.minimum > 1 ? b.minimum : 1;
    case "boolean":
      return true;
    case "enum":
      return Object.values(d.entries as Record<string, string>)[0];
    case "array":
      return [validValue(d.element as Schema, name, known)];
    case "object":
      return Object.fromEntries(
        Object.entries(d.shape as Record<string, Schema>).map(([k, v]) => [k, validValue(v, k, known)]),
      );
    case "record":
      return { note: "valid" };
    default:
      return "valid";
  }
}

/** Whether the string schema is a name people see (person, organization, workspace, …). */
export function isNameField(field: Field): boolean {
  return field.kind === "string" && field.name === "name";
}

export function setPath(target: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}
