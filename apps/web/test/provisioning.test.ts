import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, type Stage, signUp, startStage } from "./harness.js";

let stage: Stage;
let page: Page;
let orgPath: string;

beforeAll(async () => {
  stage = await startStage();
  page = (await stage.person("owner")).page;
  orgPath = await signUp(page, "Ida", "ida@example.com");
});
afterAll(async () => {
  await stage?.close();
});

const scim = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${stage.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe("the Provisioning page", () => {
  it("creates a SCIM token shown once with the base URL, maps a provisioned group to a role, and revokes the token", async () => {
    await page.goto(orgPath);
    await page.getByRole("link", { name: "Provisioning" }).click();
    await page.getByRole("heading", { name: "SCIM provisioning" }).waitFor();
    expect(await page.getByTestId("copy-base-url").textContent()).toBe(`${stage.url}/scim/v2`);
    await page.getByLabel("Token name").fill("Okta");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("shown-once").textContent()) ?? "";
    expect(token).toMatch(/^rsc_[a-z2-9]{24}_[a-z2-9]{24}$/);
    await page.getByRole("cell", { name: "Okta", exact: true }).waitFor();
    await accessible(page, "provisioning");

    const user = await scim(token, "POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "jo@corp.example",
      name: { givenName: "Jo", familyName: "Park" },
    });
    expect(user.status).toBe(201);
    const { id } = (await user.json()) as { id: string };
    const group = await scim(token, "POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Engineers",
      members: [{ value: id }],
    });
    expect(group.status).toBe(201);

    await page.reload();
    const select = page.getByLabel("Engineers (from your identity provider)");
    await select.selectOption("admin");
    await page.getByText("Group role saved.").waitFor();
    const role = async () =>
      (
        await stage.database.db
          .selectFrom("memberships")
          .select("role")
          .where("user_id", "=", id)
          .executeTakeFirstOrThrow()
      ).role;
    expect(await role()).toBe("admin");

    await page.getByRole("button", { name: "Revoke Okta" }).click();
    await page.getByRole("button", { name: "Revoke token" }).click();
    await page.getByText("Token revoked.").waitFor();
    expect((await scim(token, "GET", "/Users")).status).toBe(401);
  }, 180_000);
});
