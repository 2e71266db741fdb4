import { z } from "zod";
import type { ScimGroupInput, ScimGroupQuery, ScimGroupRecord } from "../domain/scim-groups.js";
import type { ScimUserQuery, ScimUserRecord } from "../domain/scim-user-list.js";
import type { ScimUserInput } from "../domain/scim-users.js";
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from "./discovery.js";
import type { Filter } from "./filter.js";
import { type ScimDoc, scimBoolean } from "./patch.js";

/** SCIM resources as JSON, and SCIM JSON read back into what the domain takes. */

export class ScimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new ScimHttpError(400, message, "invalidValue");

/** Attributes kept as the provider sent them, and echoed back. */
const PROFILE_KEYS = [
  "name",
  "displayName",
  "nickName",
  "profileUrl",
  "title",
  "userType",
  "preferredLanguage",
  "locale",
  "timezone",
  "emails",
  "phoneNumbers",
  "addresses",
  "roles",
  ENTERPRISE_SCHEMA,
];
const MAX_PROFILE_BYTES = 16_384;
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string.` })
    .trim()
    .min(1, `${what} must not be empty.`)
    .max(max, `${what} is at most ${max} characters.`)
    .refine((v) => !CONTROL.test(v), `${what} cannot contain control characters.`);

const emailSchema = z.string().trim().max(254).pipe(z.email());
const userShape = z.object({
  userName: text("userName", 256),
  externalId: text("externalId", 256).nullish(),
  emails: z
    .array(
      z.object({ value: z.unknown(), type: z.unknown().optional(), primary: z.unknown().optional() }).loose(),
    )
    .max(20, "At most 20 emails are accepted.")
    .nullish(),
});

/** Top-level keys in their canonical spelling (SCIM attribute names are case-insensitive). */
function canonical(doc: ScimDoc, names: string[]): ScimDoc {
  const out: ScimDoc = {};
  for (const [key, value] of Object.entries(doc))
    out[names.find((n) => n.toLowerCase() === key.toLowerCase()) ?? key] = value;
  return out;
}

const USER_NAMES = [
  "schemas",
  "id",
  "userName",
  "externalId",
  "active",
  "meta",
  "groups",
  "password",
  ...PROFILE_KEYS,
];

function issues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join(" ");
}

export function userInput(raw: unknown): ScimUserInput {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw invalid("The body must be a User object.");
  const doc = canonical(raw as ScimDoc, USER_NAMES);
  const parsed = userShape.safeParse(doc);
  if (!parsed.success) throw invalid(issues(parsed.error));
  const active = doc.active === undefined || doc.active === null ? true : scimBoolean(doc.active);
  if (active === undefined) throw invalid("active must be true or false.");
  const emails = parsed.data.emails ?? [];
  const chosen =
    emails.find((e) => scimBoolean(e.primary) === true) ??
    emails.find((e) => String(e.type ?? "").toLowerCase() === "work") ??
    emails[0];
  const candidate = chosen ? String(chosen.value ?? "") : parsed.data.userName;
  const email = emailSchema.safeParse(candidate);
  if (!email.success) {
    throw invalid(
      chosen
        ? `"${candidate}" is not a valid email address.`
        : "A user needs an email address: in emails, or as userName.",
    );
  }
  const profile: ScimDoc = {};
  for (const key of PROFILE_KEYS) if (doc[key] !== undefined && doc[key] !== null) profile[key] = doc[key];
  if (JSON.stringify(profile).length > MAX_PROFILE_BYTES)
    throw invalid("The user's attributes are too large.");
  const name = doc.name && typeof doc.name === "object" ? (doc.name as ScimDoc) : {};
  const parts = [name.givenName, name.familyName].filter((p) => typeof p === "string" && p.trim()).join(" ");
  const display = [doc.displayName, name.formatted, parts, parsed.data.userName].find(
    (v): v is string => typeof v === "string" && v.trim().length > 0 && !CONTROL.test(v),
  );
  return {
    userName: parsed.data.userName,
    externalId: parsed.data.externalId ?? null,
    email: email.data,
    name: (display ?? parsed.data.userName).trim().slice(0, 100),
    active,
    profile,
  };
}

const groupShape = z.object({
  displayName: text("displayName", 100),
  externalId: text("externalId", 256).nullish(),
  members: z
    .array(z.object({ value: z.string({ error: "Each member needs a value (a user id)." }) }).loose())
    .max(10_000, "At most 10,000 members are accepted in one request.")
    .nullish(),
});

export function groupInput(raw: unknown): ScimGroupInput {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw invalid("The body must be a Group object.");
  const doc = canonical(raw as ScimDoc, ["schemas", "id", "displayName", "externalId", "members", "meta"]);
  const parsed = groupShape.safeParse(doc);
  if (!parsed.success) throw invalid(issues(parsed.error));
  return {
    displayName: parsed.data.displayName,
    externalId: parsed.data.externalId ?? null,
    memberIds: (parsed.data.members ?? []).map((m) => m.value),
  };
}

const version = (d: Date) => `W/"${d.getTime()}"`;

export function userDoc(r: ScimUserRecord, base: string): ScimDoc {
  const { name, displayName, emails, ...rest } = r.profile;
  return {
    schemas: rest[ENTERPRISE_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: r.userId,
    ...(r.externalId !== null ? { externalId: r.externalId } : {}),
    userName: r.userName,
    name: name ?? { formatted: r.name },
    displayName: displayName ?? r.name,
    emails: emails ?? [{ value: r.email, type: "work", primary: true }],
    active: r.active,
    ...rest,
    groups: r.groups.map((g) => ({ value: g.id, display: g.name, $ref: `${base}/Groups/${g.id}` })),
    meta: {
      resourceType: "User",
      created: r.createdAt.toISOString(),
      lastModified: r.updatedAt.toISOString(),
      location: `${base}/Users/${r.userId}`,
      version: version(r.updatedAt),
    },
  };
}

export function groupDoc(r: ScimGroupRecord, base: string): ScimDoc {
  return {
    schemas: [GROUP_SCHEMA],
    id: r.groupId,
    ...(r.externalId !== null ? { externalId: r.externalId } : {}),
    displayName: r.displayName,
    ...(r.members
      ? {
          members: r.members.map((m) => ({
            value: m.userId,
            display: m.display,
            $ref: `${base}/Users/${m.userId}`,
          })),
        }
      : {}),
    meta: {
      resourceType: "Group",
      created: r.createdAt.toISOString(),
      lastModified: r.updatedAt.toISOString(),
      location: `${base}/Groups/${r.groupId}`,
      version: version(r.updatedAt),
    },
  };
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) on top-level attributes; id, schemas and meta stay. */
export function project(doc: ScimDoc, attributes: string | undefined, excluded: string | undefined): ScimDoc {
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map(
        (a) =>
          a
            .trim()
            .split(".")[0]
            ?.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, "") ?? "",
      )
      .filter(Boolean)
      .map((a) => a.toLowerCase());
  const keep = list(attributes);
  const drop = list(excluded);
  const always = ["id", "schemas", "meta"];
  return Object.fromEntries(
    Object.entries(doc).filter(([k]) => {
      const key = k.toLowerCase();
      if (always.includes(key)) return true;
      if (keep.length > 0 && !keep.includes(key)) return false;
      return !drop.includes(key);
    }),
  );
}

const unsupported = () =>
  new ScimHttpError(
    400,
    'This filter is not supported. Use eq on userName, externalId, id or emails[type eq "work"].value for Users, and on displayName, externalId or id for Groups, joined with and.',
    "invalidFilter",
  );

function conjuncts(filter: Filter): Filter[] {
  return filter.op === "and" ? [...conjuncts(filter.filters[0]), ...conjuncts(filter.filters[1])] : [filter];
}

function eqString(f: Filter): string {
  if (f.op !== "eq" || typeof f.value !== "string") throw unsupported();
  return f.value;
}

export function userQuery(filter: Filter): ScimUserQuery {
  const query: Required<ScimUserQuery> = { id: [], userName: [], externalId: [], email: [] };
  for (const f of conjuncts(filter)) {
    if (f.op === "[]") {
      // emails[type eq "work"].value eq "…" (Entra), or emails[value eq "…"].
      if (f.path.toLowerCase() !== "emails") throw unsupported();
      const inner = conjuncts(f.filter);
      const value = f.compare ?? inner.find((i) => i.op === "eq" && i.path.toLowerCase() === "value");
      if (!value || (f.compare && f.compare.op !== "eq")) throw unsupported();
      query.email.push(eqString(value));
      continue;
    }
    if (f.op !== "eq") throw unsupported();
    const path = f.path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/i, "").toLowerCase();
    if (path === "username") query.userName.push(eqString(f));
    else if (path === "externalid") query.externalId.push(eqString(f));
    else if (path === "id") query.id.push(eqString(f));
    else if (path === "emails" || path === "emails.value") query.email.push(eqString(f));
    else throw unsupported();
  }
  return query;
}

export function groupQuery(filter: Filter): ScimGroupQuery {
  const query: Required<ScimGroupQuery> = { id: [], displayName: [], externalId: [] };
  for (const f of conjuncts(filter)) {
    if (f.op !== "eq") throw unsupported();
    const path = f.path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, "").toLowerCase();
    if (path === "displayname") query.displayName.push(eqString(f));
    else if (path === "externalid") query.externalId.push(eqString(f));
    else if (path === "id") query.id.push(eqString(f));
    else throw unsupported();
  }
  return query;
}
