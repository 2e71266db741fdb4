import { describe, expect, it } from "vitest";
import { addEmails, looksLikeEmail, splitEmails } from "../../src/invite-form/emails.js";

describe("typed and pasted addresses", () => {
  it("split on commas, semicolons, spaces and new lines", () => {
    expect(splitEmails(" a@x.io, b@x.io;c@x.io\n\nd@x.io\te@x.io ")).toEqual([
      "a@x.io",
      "b@x.io",
      "c@x.io",
      "d@x.io",
      "e@x.io",
    ]);
  });

  it("keep the first spelling of an address added twice", () => {
    expect(addEmails(["Ada@x.io"], ["ada@X.io", "bo@x.io"])).toEqual(["Ada@x.io", "bo@x.io"]);
  });

  it("mark what the server refuses, with the server's own check", () => {
    expect(["zoë@example.com", "a..b@example.com", "ada@example.c", "ada@-x.io"].map(looksLikeEmail)).toEqual(
      [false, false, false, false],
    );
    expect(["o'brien@example.ie", "x_y@mail.example.co"].map(looksLikeEmail)).toEqual([true, true]);
  });

  it("mark obvious typos", () => {
    expect(["ada@example.com", "a.b+c@sub.example.org"].map(looksLikeEmail)).toEqual([true, true]);
    expect(
      ["ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a b@example.com"].map(
        looksLikeEmail,
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});
