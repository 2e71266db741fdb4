import { createRosterClient } from "@roster/sdk";
import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { page } from "vitest/browser";
import { AcceptBanner } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");

afterEach(cleanup);

describe("AcceptBanner against a real Roster server", () => {
  it("shows the person's invitation and accepts it", async () => {
    const onAccepted = vi.fn();
    const container = withRoster(roster.tokens.ivy, <AcceptBanner onAccepted={onAccepted} />);
    await expect
      .element(page.getByRole("region", { name: "Invitations" }))
      .toHaveTextContent("Olivia Owner invited you to join Acme as Member.");
    await page.getByRole("button", { name: "Accept Acme" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("You joined Acme.");
    expect(onAccepted).toHaveBeenCalledWith({ orgId: roster.orgs.acme });
    await expect.poll(() => container.querySelector(".roster-invitation")).toBeNull();

    const ivy = createRosterClient({ url: roster.url, token: roster.tokens.ivy });
    expect((await ivy.orgs.list.query()).map((o) => o.name)).toContain("Acme");
  });

  it("renders nothing when there is no invitation", async () => {
    const queryClient = new QueryClient();
    const container = withRoster(roster.tokens.owner, <AcceptBanner />, { queryClient });
    await expect
      .poll(() => queryClient.getQueryState([["invitations", "mine"], { type: "query" }])?.status)
      .toBe("success");
    expect(container.querySelector(".roster-root")?.childElementCount).toBe(0);
  });

  it("explains gently that an unconfirmed address has to be confirmed first", async () => {
    withRoster(roster.tokens.unverified, <AcceptBanner />);
    await expect
      .element(page.getByText("Confirm your email address with the link we sent you."))
      .toHaveAttribute("data-status", "unverified");
  });
});
