import { ROSTER_ERROR_REASONS } from "@roster/sdk";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { defaultLabels, defaultMessages, mergeLabels } from "../../src/labels.js";

describe("error messages", () => {
  it("have an English sentence for every reason the server answers with", () => {
    const missing = ROSTER_ERROR_REASONS.filter((reason) => !defaultMessages[reason]?.trim());
    expect(missing).toEqual([]);
  });

  it("show the host's wording first, then the default, then the server's own sentence", () => {
    const error = { message: "From the server.", data: { reason: "LAST_OWNER" } };
    expect(errorMessage(error, defaultLabels)).toBe(defaultMessages.LAST_OWNER);
    expect(errorMessage(error, mergeLabels({ messages: { LAST_OWNER: "Ein Eigentümer bleibt." } }))).toBe(
      "Ein Eigentümer bleibt.",
    );
    const fromNewerServer = { message: "From the server.", data: { reason: "SOMETHING_NEW" } };
    expect(errorMessage(fromNewerServer, defaultLabels)).toBe("From the server.");
  });
});
