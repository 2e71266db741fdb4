import { ROSTER_ERROR_REASONS } from "@roster/sdk";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { defaultLabels, defaultMessages, mergeLabels } from "../../src/labels.js";
import { de } from "../../src/locales/de.js";
import { es } from "../../src/locales/es.js";
import { fr } from "../../src/locales/fr.js";
import { ja } from "../../src/locales/ja.js";

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

describe("label sets", () => {
  const locales = { de, fr, es, ja };

  it.each(Object.entries(locales))(
    "%s has a message for every reason the server answers with",
    (_code, labels) => {
      const missing = [...ROSTER_ERROR_REASONS, "NETWORK" as const].filter(
        (reason) => !labels.messages[reason]?.trim(),
      );
      expect(missing).toEqual([]);
    },
  );

  it.each(Object.entries(locales))("%s translates the messages and the role names", (_code, labels) => {
    const same = ROSTER_ERROR_REASONS.filter((reason) => labels.messages[reason] === defaultMessages[reason]);
    expect(same).toEqual([]);
    for (const role of ["owner", "member", "viewer"])
      expect(labels.roles[role]).not.toBe(defaultLabels.roles[role]);
    expect(labels.auditTitle).not.toBe(defaultLabels.auditTitle);
  });

  it("keep a host's overrides over the chosen locale", () => {
    const labels = mergeLabels({ messages: { LAST_OWNER: "Eigene Worte." }, roles: { owner: "Chefin" } }, de);
    expect(labels.messages.LAST_OWNER).toBe("Eigene Worte.");
    expect(labels.messages.SEAT_LIMIT).toBe(de.messages.SEAT_LIMIT);
    expect(labels.roles).toMatchObject({ owner: "Chefin", member: "Mitglied" });
  });
});
