import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, password, type Stage, signUp, startStage } from "./harness.js";

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
});
afterAll(() => stage?.close());

describe("deleting one's account", () => {
  it("takes the typed address and the password, ends the session and frees nothing but what was theirs", async () => {
    const { page } = await stage.person("dora");
    await signUp(page, "Dora", "dora@example.com");
    await page.goto("/account");
    const remove = page.getByRole("button", { name: "Delete my account" });
    await page.getByLabel("Type dora@example.com to confirm").fill("dora@example.co");
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel("Type dora@example.com to confirm").fill("dora@example.com");
    await page.getByLabel("Your password").fill("not my password");
    await remove.click();
    await page
      .getByRole("alert")
      .getByText(/password/i)
      .waitFor();
    await accessible(page, "account-deletion-01-refused");

    await page.getByLabel("Your password").fill(password);
    await remove.click();
    await page.waitForURL(/\/sign-in/);
    const gone = await stage.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "dora@example.com")
      .execute();
    expect(gone).toEqual([]);
    await page.goto("/account");
    await page.waitForURL(/\/sign-in/);
  });
});
