import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSecretSetting } from "../src/domain/settings.js";
import { failure, startTestServer, type TestServer } from "./helpers.js";
import { addMember, personalOrg, verifiedPerson } from "./people.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const SECRET = "AKIAEXAMPLESECRET/wJalrXUtnFEMI/K7MDENG/bPxRfiCY";

describe("shared settings", () => {
  it("every member reads plain settings; who changed them and when is shown", async () => {
    const owner = await verifiedPerson(t, "Sia Settings");
    const orgId = await personalOrg(owner);
    const viewer = await verifiedPerson(t, "Vik Settings");
    await addMember(t, owner, orgId, viewer, "viewer");
    const set = await owner.client.settings.set.mutate({
      orgId,
      key: "cloud.region",
      value: "eu-west-1",
    });
    expect(set).toEqual({
      key: "cloud.region",
      secret: false,
      value: "eu-west-1",
      updatedAt: t.clock().toISOString(),
      updatedBy: { id: owner.user.id, name: "Sia Settings" },
    });
    await owner.client.settings.set.mutate({
      orgId,
      key: "cluster.defaults",
      value: { nodes: 3, gpu: true },
    });
    t.clock.advance(60);
    await owner.client.settings.set.mutate({ orgId, key: "cloud.region", value: "eu-central-1" });
    const list = await viewer.client.settings.list.query({ orgId });
    expect(list.map((s) => [s.key, s.value])).toEqual([
      ["cloud.region", "eu-central-1"],
      ["cluster.defaults", { nodes: 3, gpu: true }],
    ]);
    expect(list[0]!.updatedAt).toBe(t.clock().toISOString());
    expect(await viewer.client.settings.get.query({ orgId, key: "cluster.defaults" })).toMatchObject({
      value: { nodes: 3, gpu: true },
    });
    // Viewers read; only settings:write changes.
    expect(
      await failure(viewer.client.settings.set.mutate({ orgId, key: "cloud.region", value: "x" })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "PERMISSION_DENIED",
    });
    await owner.client.settings.delete.mutate({ orgId, key: "cluster.defaults" });
    expect(await failure(viewer.client.settings.get.query({ orgId, key: "cluster.defaults" }))).toMatchObject(
      {
        code: "NOT_FOUND",
        reason: "SETTING_NOT_FOUND",
      },
    );
    expect(
      await failure(owner.client.settings.set.mutate({ orgId, key: "bad key!", value: 1 })),
    ).toMatchObject({ reason: "VALIDATION" });
    const audit = await owner.client.audit.list.query({ orgId });
    expect(audit.items.filter((a) => a.action === "setting.updated")).toHaveLength(3);
    expect(audit.items.find((a) => a.action === "setting.deleted")).toMatchObject({
      targetId: "cluster.defaults",
    });
    expect(JSON.stringify(audit)).not.toContain("eu-central-1");
  });

  it("keeps secrets write-only and encrypted: readers learn they are set, when and by whom", async () => {
    const owner = await verifiedPerson(t, "Cass Secret");
    const orgId = await personalOrg(owner);
    const admin = await verifiedPerson(t, "Ari Secret");
    const member = await verifiedPerson(t, "Max Secret");
    await addMember(t, owner, orgId, admin, "admin");
    await addMember(t, owner, orgId, member, "member");
    const written = await admin.client.settings.setSecret.mutate({
      orgId,
      key: "aws.secret_access_key",
      value: SECRET,
    });
    expect(written).toEqual({
      key: "aws.secret_access_key",
      secret: true,
      value: null,
      updatedAt: t.clock().toISOString(),
      updatedBy: { id: admin.user.id, name: "Ari Secret" },
    });
    // No read returns it, to anyone — not even to whoever wrote it or the owner.
    const reads = JSON.stringify([
      await member.client.settings.list.query({ orgId }),
      await member.client.settings.get.query({ orgId, key: "aws.secret_access_key" }),
      await owner.client.settings.list.query({ orgId }),
      await admin.client.settings.get.query({ orgId, key: "aws.secret_access_key" }),
      await owner.client.audit.list.query({ orgId }),
    ]);
    expect(reads).not.toContain(SECRET);
    expect(reads).not.toContain("wJalrXUtnFEMI");

    // The database holds only AES-GCM ciphertext, which the server key opens.
    const row = await t.database.db
      .selectFrom("org_settings")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("key", "=", "aws.secret_access_key")
      .executeTakeFirstOrThrow();
    expect(row.value).toBeNull();
    expect(row.secret_sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(JSON.stringify(row)).not.toContain(Buffer.from(SECRET).toString("base64url").slice(0, 20));
    expect(await openSecretSetting(t.server.deps, orgId, "aws.secret_access_key")).toBe(SECRET);
    const raw = await t.database.db
      .selectFrom("org_settings")
      .select((eb) =>
        eb.fn<string>("concat_ws", [eb.val(""), "secret_sealed", eb.cast("value", "text")]).as("all"),
      )
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    expect(raw.all).not.toContain("wJalrXUtnFEMI");

    // Overwriting replaces it; members cannot write secrets.
    t.clock.advance(30);
    await owner.client.settings.setSecret.mutate({
      orgId,
      key: "aws.secret_access_key",
      value: "rotated-value-123",
    });
    expect(await openSecretSetting(t.server.deps, orgId, "aws.secret_access_key")).toBe("rotated-value-123");
    expect(
      (await member.client.settings.get.query({ orgId, key: "aws.secret_access_key" })).updatedBy?.id,
    ).toBe(owner.user.id);
    expect(
      await failure(
        member.client.settings.setSecret.mutate({ orgId, key: "aws.secret_access_key", value: "x" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "PERMISSION_DENIED" });
    const audit = await owner.client.audit.list.query({ orgId, action: "setting.updated" });
    expect(audit.items.map((a) => a.data)).toEqual([
      { secret: true, created: false },
      { secret: true, created: true },
    ]);
  });
});
