import type { Database } from "@roster/db";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../src/domain/cursors.js";
import {
  buildMemberListQuery,
  cachedMemberListQuery,
  type ListMembersInput,
} from "../src/domain/member-list.js";

/** Kysely that compiles Postgres SQL and sends nothing: the list's query is checked as text. */
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const ORG = "6f0c1a2e-2d1f-4c1e-9a55-0d8f3c1b2a10";
const OTHER = "0b7e4f0e-8c3a-4b52-a6a1-3f5d9c2e7b44";
const cursor = encodeCursor(new Date("2026-05-01T10:00:00Z"), "3d0d3c1e-5b7a-4e2a-8f3e-2c9a1b7d6e55");

describe("the member list's query, compiled once per shape", () => {
  const inputs: ListMembersInput[] = [
    {},
    { limit: 10 },
    { cursor },
    { cursor, limit: 3, role: "admin" },
    { search: "ada lovelace" },
    { search: "!!!" },
    { search: "ada", cursor, status: "active" },
    { status: "deactivated", role: "viewer" },
    { status: "invited" },
    { status: "expired", cursor, search: "x" },
    { includeInvitations: true },
    { includeInvitations: true, cursor, role: "member", search: "grace hopper", limit: 7 },
  ];

  it("is the query built afresh, with each request's own values", () => {
    // Twice over: the second round reads every shape from the cache, with other values.
    for (const round of [0, 1]) {
      for (const input of inputs) {
        const orgId = round ? OTHER : ORG;
        const now = new Date(Date.UTC(2026, 5, 1 + round));
        const fresh = buildMemberListQuery(db, orgId, input, now);
        const cached = cachedMemberListQuery(db, orgId, input, now);
        expect({ sql: cached.sql, parameters: cached.parameters }, JSON.stringify(input)).toEqual({
          sql: fresh.sql,
          parameters: fresh.parameters,
        });
      }
    }
  });
});
