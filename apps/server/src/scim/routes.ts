import { ROSTER_ERROR_STATUS } from "@roster/reasons";
import { type Context, Hono } from "hono";
import { validateScimToken } from "../auth/scim-tokens.js";
import type { Deps } from "../deps.js";
import type { OrgAccess } from "../domain/access.js";
import { ALL_PERMISSIONS } from "../domain/permissions.js";
import * as groups from "../domain/scim-groups.js";
import { getScimUser, listScimUsers } from "../domain/scim-user-list.js";
import * as users from "../domain/scim-users.js";
import { RosterError } from "../errors.js";
import {
  ERROR_SCHEMA,
  LIST_SCHEMA,
  MAX_RESULTS,
  resourceTypes,
  schemas,
  serviceProviderConfig,
} from "./discovery.js";
import { FilterSyntaxError, parseFilter } from "./filter.js";
import { applyPatch, PatchError, type ScimDoc } from "./patch.js";
import {
  groupDoc,
  groupInput,
  groupQuery,
  project,
  ScimHttpError,
  userDoc,
  userInput,
  userQuery,
} from "./resources.js";

/**
 * `/scim/v2`: SCIM 2.0 (RFC 7644) for an organization's identity provider, authenticated by one of
 * the organization's SCIM tokens. The token decides the organization: nothing in a request can
 * reach another organization's users or groups. Answers are `application/scim+json`; refusals are
 * SCIM Error bodies with the HTTP status of Roster's reason and, where SCIM has one, a scimType.
 */

type Env = { Variables: { requestId: string; ip: string | null; access: OrgAccess } };
const CONTENT_TYPE = "application/scim+json";

const SCIM_TYPES: Partial<Record<string, string>> = {
  SCIM_RESOURCE_EXISTS: "uniqueness",
  GROUP_NAME_TAKEN: "uniqueness",
  EMAIL_TAKEN: "uniqueness",
  ALREADY_MEMBER: "uniqueness",
  LAST_OWNER: "mutability",
  VALIDATION: "invalidValue",
};

function scimJson(c: Context<Env>, body: unknown, status = 200): Response {
  return c.body(JSON.stringify(body), status as 200, { "content-type": CONTENT_TYPE });
}

function scimError(
  c: Context<Env>,
  status: number,
  detail: string,
  scimType?: string,
  reason?: string,
): Response {
  return scimJson(
    c,
    {
      schemas: [ERROR_SCHEMA],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail,
      ...(reason ? { "urn:roster:scim:error": { reason } } : {}),
    },
    status,
  );
}

function toScimError(c: Context<Env>, error: unknown): Response {
  if (error instanceof ScimHttpError) return scimError(c, error.status, error.message, error.scimType);
  if (error instanceof PatchError) return scimError(c, 400, error.message, error.scimType);
  if (error instanceof FilterSyntaxError) return scimError(c, 400, error.message, "invalidFilter");
  if (error instanceof RosterError) {
    const status = ROSTER_ERROR_STATUS[error.reason];
    return scimError(
      c,
      Array.isArray(status) ? status[0] : (status as number),
      error.message,
      SCIM_TYPES[error.reason],
      error.reason,
    );
  }
  throw error;
}

async function readBody(c: Context<Env>, max: number): Promise<unknown> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > max)
    throw new ScimHttpError(413, `This request is too large: at most ${max} bytes are accepted.`);
  const body = c.req.raw.body;
  if (!body) throw new ScimHttpError(400, "The request has no body.", "invalidSyntax");
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new ScimHttpError(413, `This request is too large: at most ${max} bytes are accepted.`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new ScimHttpError(400, "The body is not JSON.", "invalidSyntax");
  }
}

function page(c: Context<Env>): { startIndex: number; count: number } {
  const start = Number.parseInt(c.req.query("startIndex") ?? "1", 10);
  const count = Number.parseInt(c.req.query("count") ?? String(MAX_RESULTS), 10);
  return {
    startIndex: Number.isFinite(start) && start > 1 ? Math.min(start, 1_000_000_000) : 1,
    count: Number.isFinite(count) ? Math.max(0, Math.min(count, MAX_RESULTS)) : MAX_RESULTS,
  };
}

function listResponse(docs: ScimDoc[], total: number, startIndex: number): unknown {
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: docs.length,
    Resources: docs,
  };
}

export function scimRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const base = `${deps.config.publicUrl.replace(/\/$/, "")}/scim/v2`;
  const max = deps.config.maxBodyBytes;

  app.onError((error, c) => toScimError(c, error));

  app.use("*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
    const caller = token ? await validateScimToken(deps.db, token, deps.clock()) : null;
    if (!caller) {
      c.header("WWW-Authenticate", 'Bearer realm="scim"');
      return scimError(
        c,
        401,
        "Send a valid SCIM token as Authorization: Bearer <token>.",
        undefined,
        "INVALID_SCIM_TOKEN",
      );
    }
    // A token administers its organization's directory: it acts on members as an owner would,
    // within the same rules (the last owner stays, seats hold, provisioning never makes owners).
    c.set("access", {
      orgId: caller.orgId,
      actor: {
        userId: caller.actorId,
        sessionId: null,
        ip: c.get("ip"),
        userAgent: c.req.header("user-agent") ?? null,
      },
      role: "owner",
      permissions: new Set(ALL_PERMISSIONS),
    });
    return next();
  });

  app.get("/ServiceProviderConfig", (c) => scimJson(c, serviceProviderConfig(base)));
  app.get("/Schemas", (c) => {
    const all = schemas(base);
    return scimJson(c, listResponse(all, all.length, 1));
  });
  app.get("/Schemas/:id", (c) => {
    const found = schemas(base).find((s) => s.id === c.req.param("id"));
    return found ? scimJson(c, found) : scimError(c, 404, "No such schema.");
  });
  app.get("/ResourceTypes", (c) => {
    const all = resourceTypes(base);
    return scimJson(c, listResponse(all, all.length, 1));
  });
  app.get("/ResourceTypes/:id", (c) => {
    const found = resourceTypes(base).find((s) => s.id === c.req.param("id"));
    return found ? scimJson(c, found) : scimError(c, 404, "No such resource type.");
  });

  const view = (c: Context<Env>, doc: ScimDoc) =>
    project(doc, c.req.query("attributes"), c.req.query("excludedAttributes"));

  app.get("/Users", async (c) => {
    const filter = c.req.query("filter");
    const query = filter ? userQuery(parseFilter(filter)) : {};
    const p = page(c);
    const { total, items } = await listScimUsers(deps, c.get("access"), query, p);
    return scimJson(
      c,
      listResponse(
        items.map((u) => view(c, userDoc(u, base))),
        total,
        p.startIndex,
      ),
    );
  });
  app.get("/Users/:id", async (c) => {
    const user = await getScimUser(deps.db, c.get("access").orgId, c.req.param("id"));
    return scimJson(c, view(c, userDoc(user, base)));
  });
  app.post("/Users", async (c) => {
    const created = await users.createScimUser(deps, c.get("access"), userInput(await readBody(c, max)));
    const doc = userDoc(created, base);
    c.header("Location", `${base}/Users/${created.userId}`);
    return scimJson(c, doc, 201);
  });
  app.put("/Users/:id", async (c) => {
    const body = await readBody(c, max);
    const input = userInput(body);
    const updated = await users.replaceScimUser(deps, c.get("access"), c.req.param("id"), () => input);
    return scimJson(c, userDoc(updated, base));
  });
  app.patch("/Users/:id", async (c) => {
    const body = await readBody(c, max);
    const access = c.get("access");
    const updated = await users.replaceScimUser(deps, access, c.req.param("id"), (current) =>
      userInput(applyPatch(userDoc(current, base), body)),
    );
    return scimJson(c, userDoc(updated, base));
  });
  app.delete("/Users/:id", async (c) => {
    await users.deleteScimUser(deps, c.get("access"), c.req.param("id"));
    return c.body(null, 204);
  });

  app.get("/Groups", async (c) => {
    const filter = c.req.query("filter");
    const query = filter ? groupQuery(parseFilter(filter)) : {};
    const p = page(c);
    const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(c.req.query("excludedAttributes") ?? "");
    const { total, items } = await groups.listScimGroups(deps, c.get("access"), query, p, withMembers);
    return scimJson(
      c,
      listResponse(
        items.map((g) => view(c, groupDoc(g, base))),
        total,
        p.startIndex,
      ),
    );
  });
  app.get("/Groups/:id", async (c) => {
    const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(c.req.query("excludedAttributes") ?? "");
    const group = await groups.getScimGroup(deps.db, c.get("access").orgId, c.req.param("id"), withMembers);
    return scimJson(c, view(c, groupDoc(group, base)));
  });
  app.post("/Groups", async (c) => {
    const created = await groups.createScimGroup(deps, c.get("access"), groupInput(await readBody(c, max)));
    c.header("Location", `${base}/Groups/${created.groupId}`);
    return scimJson(c, groupDoc(created, base), 201);
  });
  app.put("/Groups/:id", async (c) => {
    const body = await readBody(c, max);
    const access = c.get("access");
    const input = groupInput(body);
    await groups.replaceScimGroup(deps, access, c.req.param("id"), () => input);
    return scimJson(c, groupDoc(await groups.getScimGroup(deps.db, access.orgId, c.req.param("id")), base));
  });
  app.patch("/Groups/:id", async (c) => {
    const body = await readBody(c, max);
    const access = c.get("access");
    await groups.replaceScimGroup(deps, access, c.req.param("id"), (current) =>
      groupInput(applyPatch(groupDoc(current, base), body)),
    );
    // Entra and Okta accept 204 for a group PATCH; members of large groups are not sent back.
    return c.body(null, 204);
  });
  app.delete("/Groups/:id", async (c) => {
    await groups.deleteScimGroup(deps, c.get("access"), c.req.param("id"));
    return c.body(null, 204);
  });

  app.all("*", (c) => scimError(c, 404, "No such SCIM endpoint."));
  return app;
}
