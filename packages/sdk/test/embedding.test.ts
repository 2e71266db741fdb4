import { describe, expect, expectTypeOf, it } from "vitest";
import { type EmbedScope, invitationTokenFrom } from "../src/index.js";

describe("embedding helpers", () => {
  it("type embed scopes from the server's list", () => {
    expectTypeOf<"profile">().toExtend<EmbedScope>();
    expectTypeOf<"members">().toExtend<EmbedScope>();
    // @ts-expect-error there is no such scope
    const wrong: EmbedScope = "everything";
    expect(wrong).toBe("everything");
  });

  it("find the invitation token in the URL a host's page was opened with", () => {
    const template = "https://host.example/invite/{token}";
    expect(invitationTokenFrom("https://host.example/invite/abc_DEF-1", template)).toBe("abc_DEF-1");
    expect(invitationTokenFrom("https://host.example/teams/7/join?src=mail&token=tok123")).toBe("tok123");
    expect(
      invitationTokenFrom("https://host.example/t/abc/accept", "https://host.example/t/{token}/accept"),
    ).toBe("abc");
    expect(invitationTokenFrom("https://host.example/other/abc", template)).toBeNull();
    expect(invitationTokenFrom("https://host.example/invite/a%2Fb", template)).toBeNull();
    expect(invitationTokenFrom("https://host.example/invite/abc")).toBeNull();
  });
});
