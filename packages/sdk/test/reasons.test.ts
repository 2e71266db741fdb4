import { describe, expect, expectTypeOf, it } from "vitest";
import {
  isRosterError,
  ROSTER_ERROR_REASONS,
  type RosterClientError,
  type RosterErrorReason,
  rosterErrorReason,
} from "../src/index.js";

describe("error reasons", () => {
  it("are one typed list: a misspelt reason does not compile", () => {
    const error: unknown = new Error("not from Roster");
    expect(isRosterError(error, "LAST_OWNER")).toBe(false);
    // @ts-expect-error there is no such reason
    expect(isRosterError(error, "LAST_OWNR")).toBe(false);
    expectTypeOf(rosterErrorReason(error)).toEqualTypeOf<RosterErrorReason | undefined>();
    expectTypeOf<RosterClientError["data"]["reason"]>().toEqualTypeOf<RosterErrorReason>();
    expect(ROSTER_ERROR_REASONS).toContain("LAST_OWNER");
    expect(new Set(ROSTER_ERROR_REASONS).size).toBe(ROSTER_ERROR_REASONS.length);
  });
});
