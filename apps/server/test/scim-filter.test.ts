import { describe, expect, it } from "vitest";
import { FilterSyntaxError, matches, parseFilter } from "../src/scim/filter.js";
import { applyPatch, PatchError } from "../src/scim/patch.js";

describe("SCIM filters (RFC 7644 §3.4.2.2)", () => {
  it("parses comparisons, and/or/not with precedence, grouping and value paths", () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ op: "eq", path: "userName", value: "bjensen" });
    expect(parseFilter('userName Eq "a" or title pr and active eq true')).toEqual({
      op: "or",
      filters: [
        { op: "eq", path: "userName", value: "a" },
        {
          op: "and",
          filters: [
            { op: "pr", path: "title" },
            { op: "eq", path: "active", value: true },
          ],
        },
      ],
    });
    expect(parseFilter('not (displayName sw "x")')).toEqual({
      op: "not",
      filter: { op: "sw", path: "displayName", value: "x" },
    });
    expect(parseFilter('emails[type eq "work"].value eq "a@b.example"')).toEqual({
      op: "[]",
      path: "emails",
      filter: { op: "eq", path: "type", value: "work" },
      compare: { op: "eq", path: "value", value: "a@b.example" },
    });
    expect(parseFilter('name.familyName eq "O\\"Hara"')).toEqual({
      op: "eq",
      path: "name.familyName",
      value: 'O"Hara',
    });
  });

  it("refuses what the grammar does not allow", () => {
    for (const bad of [
      'userName eq "open',
      "userName eq bjensen",
      'userName is "x"',
      '(userName eq "x"',
      'userName eq "x" extra',
      "",
    ]) {
      expect(() => parseFilter(bad), bad).toThrow(FilterSyntaxError);
    }
    expect(() => parseFilter(`${"(".repeat(40)}a eq "b"${")".repeat(40)}`)).toThrow(FilterSyntaxError);
  });

  it("matches entries without case for attribute names and strings", () => {
    const email = { Value: "Ann@Example.com", type: "work", primary: true };
    expect(matches(email, parseFilter('value eq "ann@example.com"'))).toBe(true);
    expect(matches(email, parseFilter('type eq "home" or primary eq true'))).toBe(true);
    expect(matches(email, parseFilter('not (type eq "work")'))).toBe(false);
    expect(matches({ emails: [email] }, parseFilter('emails[type eq "work"].value ew "example.com"'))).toBe(
      true,
    );
  });
});

describe("PATCH as identity providers send it", () => {
  const user = () => ({
    userName: "ann@example.com",
    active: true,
    name: { givenName: "Ann", familyName: "Lee" },
    emails: [{ value: "ann@example.com", type: "work", primary: true }],
  });

  it("applies Entra's capitalised ops, paths with value filters, dotted keys and extension URNs", () => {
    const patched = applyPatch(user(), {
      Operations: [
        { op: "Replace", path: 'emails[type eq "work"].value', value: "ann.lee@example.com" },
        {
          op: "Add",
          path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
          value: "R&D",
        },
        { op: "Replace", value: { "name.givenName": "Anne", active: "False" } },
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" },
      ],
    });
    expect(patched).toMatchObject({
      active: "False",
      name: { givenName: "Anne", familyName: "Lee" },
      emails: [{ value: "ann.lee@example.com", type: "work" }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "R&D" },
      phoneNumbers: [{ type: "mobile", value: "+1 555 0100" }],
    });
  });

  it("adds and removes group members by value list and by value filter, without duplicates", () => {
    const group = { displayName: "G", members: [{ value: "a" }, { value: "b" }] };
    const added = applyPatch(group, {
      Operations: [{ op: "add", path: "members", value: [{ value: "b" }, { value: "c" }] }],
    });
    expect(added.members).toEqual([{ value: "a" }, { value: "b" }, { value: "c" }]);
    const removed = applyPatch(added, {
      Operations: [
        { op: "Remove", path: "members", value: [{ value: "a" }] },
        { op: "remove", path: 'members[value eq "c"]' },
      ],
    });
    expect(removed.members).toEqual([{ value: "b" }]);
    expect(group.members).toHaveLength(2); // the input is left as it was
  });

  it("refuses operations it cannot apply", () => {
    expect(() => applyPatch(user(), { Operations: [] })).toThrow(PatchError);
    expect(() => applyPatch(user(), { Operations: [{ op: "copy", path: "a" }] })).toThrow(PatchError);
    expect(() => applyPatch(user(), { Operations: [{ op: "remove" }] })).toThrow(PatchError);
    expect(() => applyPatch(user(), { Operations: [{ op: "replace", value: "x" }] })).toThrow(PatchError);
    expect(() =>
      applyPatch(user(), { Operations: [{ op: "replace", path: 'emails[type eq "work"', value: 1 }] }),
    ).toThrow(PatchError);
  });
});
