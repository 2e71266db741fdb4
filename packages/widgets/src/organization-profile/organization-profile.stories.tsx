import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { organizations, team, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { OrganizationProfile } from "./organization-profile.js";

const withLogo = organizations.map((o, i) =>
  i === 0 ? { ...o, metadata: { logoUrl: "https://example.com/logo.png", plan: "Enterprise" } } : o,
);

const meta = {
  title: "Widgets/OrganizationProfile",
  component: OrganizationProfile,
  args: {
    orgId: "00000000-0000-4000-8000-000000000501",
    metadataFields: [{ key: "plan", label: "Plan", hint: "Shown on invoices." }],
  },
  decorators: [withScenario],
  parameters: { scenario: { members: team, organizations: withLogo } },
} satisfies Meta<typeof OrganizationProfile>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An owner: every setting, transfer, leave and delete. */
export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { members: team, pending: ["orgs.get"] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "orgs.get": { reason: "ORG_NOT_FOUND", message: "Not found.", httpStatus: 404 } },
    },
  },
};

/** A viewer sees the settings read-only and may only leave. */
export const NoPermission: Story = {
  parameters: { scenario: { members: team, role: "viewer", permissions: viewerPermissions } },
};

export const Dark: Story = {
  parameters: { scenario: { members: team, organizations: withLogo }, theme: "dark" },
};

export const Saved: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const name = await canvas.findByRole("textbox", { name: "Organization name" });
    await userEvent.clear(name);
    await userEvent.type(name, "Analytical Engines Ltd");
    await userEvent.click(canvas.getByRole("button", { name: "Save changes" }));
    await canvas.findByText("Changes saved.");
  },
};

export const SlugTaken: Story = {
  parameters: {
    scenario: {
      members: team,
      errors: { "orgs.update": { reason: "SLUG_TAKEN", message: "Taken.", httpStatus: 409 } },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const slug = await canvas.findByRole("textbox", { name: "URL name" });
    await userEvent.type(slug, "-x");
    await userEvent.click(canvas.getByRole("button", { name: "Save changes" }));
    await canvas.findByText(/Another organization already uses this name/);
  },
};

/** Deleting asks for the organization's name first. */
export const DeleteConfirmDark: Story = {
  parameters: { scenario: { members: team }, theme: "dark" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Delete organization" }));
    await canvas.findByRole("dialog", { name: "Delete Analytical Engines?" });
  },
};

export const LeaveLastOwner: Story = {
  parameters: {
    scenario: {
      members: team,
      errors: { "members.leave": { reason: "LAST_OWNER", message: "Last owner.", httpStatus: 409 } },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Leave" }));
    const dialog = await canvas.findByRole("dialog", { name: "Leave Analytical Engines?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Leave" }));
    await within(dialog).findByRole("alert");
  },
};
