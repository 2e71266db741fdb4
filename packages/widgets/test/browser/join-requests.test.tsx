import { createRosterClient } from "@roster/sdk";
import { afterEach, describe, expect, inject, it } from "vitest";
import { page } from "vitest/browser";
import { Domains, JoinOrganization, MemberList } from "../../src/index.js";
import { cleanup, withRoster } from "./render.js";

const roster = inject("roster");
const as = (token: string) => createRosterClient({ url: roster.url, token });

afterEach(cleanup);

describe("Joining by domain, against a real Roster server", () => {
  it("offers the organization to a person on its domain, who asks, withdraws and asks again", async () => {
    withRoster(roster.tokens.pat, <JoinOrganization />);
    const region = page.getByRole("region", { name: "Organizations you can join" });
    await expect
      .element(region)
      .toHaveTextContent("Joiners welcomes people with an address at joiners.example.");
    await page.getByRole("button", { name: "Ask to join Joiners" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("You asked to join Joiners. Its administrators were told.");
    await expect.element(region).toHaveTextContent("Your request is waiting for an administrator.");
    await page.getByRole("button", { name: "Withdraw request Joiners" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("You withdrew your request to join Joiners.");
    await page.getByRole("button", { name: "Ask to join Joiners" }).click();
    await expect.element(page.getByRole("button", { name: "Withdraw request Joiners" })).toBeVisible();
    const [suggestion] = await as(roster.tokens.pat).joinRequests.suggestions.query();
    expect(suggestion?.request?.status).toBe("pending");
  });

  it("shows nothing to a person whose domain offers no organization", async () => {
    const container = withRoster(roster.tokens.ivy, <JoinOrganization />);
    await expect
      .poll(async () => (await as(roster.tokens.ivy).joinRequests.suggestions.query()).length)
      .toBe(0);
    expect(container.querySelector(".roster-join-organization")).toBeNull();
  });

  it("lets an admin approve a request with a role, and reject another, from the member list", async () => {
    await as(roster.tokens.quinn).joinRequests.create.mutate({ orgId: roster.orgs.joiners });
    withRoster(roster.tokens.jo, <MemberList orgId={roster.orgs.joiners} />);
    const requests = page.getByRole("region", { name: "Requests to join" });
    await expect.element(requests).toHaveTextContent("Pat Joiner (pat@joiners.example) asks to join.");
    await expect.element(requests).toHaveTextContent("Quinn Asker (quinn@joiners.example) asks to join.");

    await page.getByRole("combobox", { name: "Role for Pat Joiner" }).selectOptions("viewer");
    await page.getByRole("button", { name: "Approve Pat Joiner" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("Pat Joiner joined as Viewer.");
    await expect.element(page.getByRole("row", { name: /Pat Joiner/ })).toHaveTextContent("Viewer");
    const joined = await as(roster.tokens.pat).orgs.list.query();
    expect(joined.find((o) => o.id === roster.orgs.joiners)?.role).toBe("viewer");

    await page.getByRole("button", { name: "Reject Quinn Asker" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("The request of Quinn Asker was rejected.");
    await expect.element(page.getByRole("region", { name: "Requests to join" })).not.toBeInTheDocument();
    const left = await as(roster.tokens.jo).joinRequests.list.query({ orgId: roster.orgs.joiners });
    expect(left.items.map((r) => [r.user.name, r.status]).sort()).toEqual([
      ["Pat Joiner", "approved"],
      ["Pat Joiner", "withdrawn"],
      ["Quinn Asker", "rejected"],
    ]);
  });

  it("shows no requests to a member who may not add members", async () => {
    const container = withRoster(roster.tokens.pat, <MemberList orgId={roster.orgs.joiners} />);
    await expect.element(page.getByRole("row", { name: /Jo Joiners/ })).toBeVisible();
    expect(container.querySelector(".roster-join-requests")).toBeNull();
    expect(container.textContent).not.toContain("Requests to join");
  });
});

describe("Domains against a real Roster server", () => {
  it("adds a domain with its TXT record, refuses verifying it by an address elsewhere, and removes it", async () => {
    withRoster(roster.tokens.jo, <Domains orgId={roster.orgs.joiners} />);
    const region = page.getByRole("region", { name: "Domains" });
    await expect.element(region).toHaveTextContent("joiners.example");
    await page.getByRole("textbox", { name: "Domain" }).fill("elsewhere.example");
    await page.getByRole("button", { name: "Add domain" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("elsewhere.example was added. Publish the TXT record below, then verify it.");
    const [added] = (await as(roster.tokens.jo).domains.list.query({ orgId: roster.orgs.joiners })).filter(
      (d) => d.domain === "elsewhere.example",
    );
    await expect.element(region).toHaveTextContent(added!.dnsRecord.value);
    await page.getByRole("button", { name: "Verify with my email address" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent(
        "Only an owner whose confirmed email address is on this domain can verify it this way.",
      );
    await page.getByRole("button", { name: "Remove elsewhere.example" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove elsewhere.example" }).click();
    await expect.element(page.getByRole("status")).toHaveTextContent("elsewhere.example was removed.");
    const left = await as(roster.tokens.jo).domains.list.query({ orgId: roster.orgs.joiners });
    expect(left.map((d) => d.domain)).toEqual(["joiners.example"]);
  });

  it("changes what happens to people on a verified domain", async () => {
    withRoster(roster.tokens.jo, <Domains orgId={roster.orgs.joiners} />);
    const choice = page.getByRole("combobox", { name: "People at joiners.example" });
    await expect.element(choice).toHaveValue("suggestion");
    await choice.selectOptions("invitation");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("What happens to people at joiners.example was saved.");
    const [domain] = await as(roster.tokens.jo).domains.list.query({ orgId: roster.orgs.joiners });
    expect(domain?.enrollment).toBe("invitation");
  });

  it("tells a member without the permission instead of showing the controls", async () => {
    withRoster(roster.tokens.pat, <Domains orgId={roster.orgs.joiners} />);
    await expect.element(page.getByText("Your role does not allow managing domains.")).toBeVisible();
    expect(page.getByRole("button", { name: "Add domain" }).query()).toBeNull();
  });
});
