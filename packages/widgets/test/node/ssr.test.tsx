import { QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, inject, it } from "vitest";
import {
  AcceptBanner,
  ApiKeys,
  AuditLog,
  CreateOrganization,
  InviteForm,
  MemberList,
  OrganizationProfile,
  OrganizationSwitcher,
  prefetchWidgets,
  RosterProvider,
} from "../../src/index.js";
import { de } from "../../src/locales/de.js";

const roster = inject("roster");
const orgId = roster.orgs.acme;

const widgets: [string, ReactNode][] = [
  ["MemberList", <MemberList key="m" orgId={orgId} />],
  ["InviteForm", <InviteForm key="i" orgId={orgId} />],
  ["AcceptBanner", <AcceptBanner key="a" />],
  ["OrganizationSwitcher", <OrganizationSwitcher key="o" />],
  ["CreateOrganization", <CreateOrganization key="c" />],
  ["OrganizationProfile", <OrganizationProfile key="p" orgId={orgId} />],
  ["ApiKeys", <ApiKeys key="k" orgId={orgId} />],
  ["AuditLog", <AuditLog key="l" orgId={orgId} />],
];

describe("server rendering", () => {
  it("runs in Node without a window", () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe("undefined");
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
  });

  it.each(widgets)("renders %s to a string without touching the browser", (_name, widget) => {
    const html = renderToString(
      <RosterProvider url={roster.url} token={roster.tokens.owner} theme="dark">
        {widget}
      </RosterProvider>,
    );
    expect(html).toContain('data-roster-theme="dark"');
    expect(html).toContain('class="roster-root"');
  });

  it("renders in the label set it is given, on the server too", () => {
    const html = renderToString(
      <RosterProvider url={roster.url} token={roster.tokens.owner} locale={de}>
        <MemberList orgId={orgId} />
        <AuditLog orgId={orgId} />
      </RosterProvider>,
    );
    expect(html).toContain("Mitglieder");
    expect(html).toContain("Audit-Log");
    expect(html).not.toContain("Members");
  });

  it("shows member names in the first render when the page prefetched them", async () => {
    const queryClient = new QueryClient();
    const state = await prefetchWidgets({
      url: roster.url,
      token: roster.tokens.owner,
      queryClient,
      widgets: [{ widget: "MemberList", orgId }, { widget: "OrganizationSwitcher" }],
    });
    // The browser gets `state` as JSON and hydrates a fresh QueryClient with it.
    const browserClient = new QueryClient();
    const html = renderToString(
      <RosterProvider
        url={roster.url}
        token={roster.tokens.owner}
        queryClient={browserClient}
        state={JSON.parse(JSON.stringify(state))}
      >
        <OrganizationSwitcher />
        <MemberList orgId={orgId} />
      </RosterProvider>,
    );
    expect(html).toContain("Bob Builder");
    expect(html).toContain("Erin Ekström");
    expect(html).toContain("pending.person@widgets.example");
    expect(html).not.toContain("Loading members");
    // Actions depend on the prefetched permissions: they are in the first HTML too.
    expect(html).toContain("Change role");
    // Big Co was created last, so it is the active organization.
    expect(html).toContain("Organization<!-- -->: </span>Big Co");
  });

  it("without prefetching, the first render is the loading state", () => {
    const html = renderToString(
      <RosterProvider url={roster.url} token={roster.tokens.owner}>
        <MemberList orgId={orgId} />
      </RosterProvider>,
    );
    expect(html).toContain("Loading members…");
    expect(html).not.toContain("Bob Builder");
  });
});
