import { composeStories } from "@storybook/react";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "./render.js";

type StoryModule = Parameters<typeof composeStories>[0];
/** A composed story: `run` renders it (with its decorators) into `canvasElement` and plays it. */
type RunnableStory = { run: (context: { canvasElement: HTMLElement }) => Promise<void> };
const modules = import.meta.glob<StoryModule>("../../src/**/*.stories.tsx", { eager: true });

afterEach(cleanup);

const stories = Object.entries(modules).flatMap(([file, module]) =>
  (Object.entries(composeStories(module)) as [string, RunnableStory][]).map(([name, Story]) => ({
    id: `${file.replace(/^.*\/(.*)\.stories\.tsx$/, "$1")} › ${name}`,
    Story,
  })),
);

/** Rules about a whole page (landmarks, a top heading) say nothing about a widget shown alone. */
const pageRules = {
  region: { enabled: false },
  "page-has-heading-one": { enabled: false },
  "landmark-one-main": { enabled: false },
};

describe("every story", () => {
  it("exists for each widget in each state", () => {
    const names = stories.map((s) => s.id);
    for (const widget of [
      "member-list",
      "invite-form",
      "accept-banner",
      "accept-invitation",
      "organization-switcher",
      "create-organization",
      "organization-profile",
      "api-keys",
      "audit-log",
      "join-organization",
      "domains",
      "sso-connection",
      "scim-settings",
      "security",
      "account-security",
      "security-policies",
    ]) {
      expect(names.filter((n) => n.startsWith(widget)).length).toBeGreaterThanOrEqual(3);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        "member-list › Loading",
        "member-list › Empty",
        "member-list › HundredsOfMembers",
        "member-list › NoPermission",
        "member-list › Dark",
        "member-list › LoadError",
        ...["organization-profile", "api-keys", "audit-log"].flatMap((widget) => [
          `${widget} › Loading`,
          `${widget} › LoadError`,
          `${widget} › Default`,
        ]),
        "organization-profile › NoPermission",
        "organization-profile › Dark",
        "api-keys › NoPermission",
        "api-keys › Empty",
        "api-keys › KeysOpenDark",
        "audit-log › Empty",
        "audit-log › Dark",
        "audit-log › ManyPages",
        "member-list › WithJoinRequest",
        "domains › NoPermission",
        "domains › LoadError",
        ...["sso-connection", "scim-settings", "security", "security-policies"].flatMap((widget) => [
          `${widget} › Loading`,
          `${widget} › LoadError`,
          `${widget} › Default`,
          `${widget} › NoPermission`,
        ]),
        "account-security › Loading",
        "account-security › LoadError",
        "account-security › Default",
        "account-security › EmbedToken",
        "account-security › WithLinkedAccounts",
        "account-security › NoProvidersConfigured",
        "account-security › PasswordChangeError",
      ]),
    );
  });

  it.each(stories)("$id has no axe violations", async ({ Story }) => {
    const canvasElement = document.createElement("div");
    document.body.append(canvasElement);
    await Story.run({ canvasElement });
    // Let canned answers arrive (each takes ~120 ms) and the widget settle.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const results = await axe.run(canvasElement, { rules: pageRules, resultTypes: ["violations"] });
    const violations = results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
    expect(violations).toEqual([]);
    canvasElement.remove();
  });
});
