import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { createRosterClient } from "@roster/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessible, confirmEmail, mailLink, type Stage, signUp, startStage } from "./harness.js";

/** A host key made the way an operator makes one, with `roster host-keys create`. */
async function createHostKey(databaseUrl: string, name: string): Promise<string> {
  const cli = join(dirname(createRequire(import.meta.url).resolve("@roster/server")), "cli.js");
  const { stdout } = await promisify(execFile)(process.execPath, [cli, "host-keys", "create", name], {
    env: {
      SECRET_KEY: randomBytes(32).toString("base64url"),
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "silent",
    },
  });
  const key = stdout.match(/rhk_\S+/)?.[0];
  if (!key) throw new Error(`roster host-keys create printed no key: ${stdout}`);
  return key;
}

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
});
afterAll(() => stage?.close());

describe("connecting a Roster account to a host product", () => {
  it("shows which product asks, connects on Connect, and the product then acts as that account", async () => {
    const { page } = await stage.person("Lena");
    await signUp(page, "Lena Park", "lena@example.com");
    await confirmEmail(stage, page, "lena@example.com");

    const host = createRosterClient({
      url: stage.url,
      token: await createHostKey(stage.database.url, "Acme Cloud"),
    });
    // A host may not reach an account it did not make by its address alone.
    await expect(
      host.embed.createToken.mutate({ externalUserId: "acme-lena", email: "lena@example.com", name: "Lena" }),
    ).rejects.toMatchObject({ data: { reason: "EMBED_LINK_REQUIRED" } });
    await host.embed.startLink.mutate({ externalUserId: "acme-lena", email: "lena@example.com" });

    await page.goto(await mailLink(stage, "lena@example.com", "/link-account/"));
    await page.getByText("Acme Cloud asks to use your Roster account").waitFor();
    await accessible(page, "link-account-preview");
    await page.getByRole("button", { name: "Connect to Acme Cloud" }).click();
    await page.getByRole("status").getByText("Your account is connected to Acme Cloud.").waitFor();
    await accessible(page, "link-account-connected");

    const { token } = await host.embed.createToken.mutate({
      externalUserId: "acme-lena",
      email: "lena@example.com",
      name: "Lena",
    });
    const me = await createRosterClient({ url: stage.url, token }).auth.me.query();
    expect(me.user.email).toBe("lena@example.com");

    // The link works once.
    await page.reload();
    await page.getByRole("alert").getByText("not valid or was already used").waitFor();
  });
});
