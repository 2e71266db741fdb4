import type { Meta, StoryObj } from "@storybook/react-vite";
import { scimSettings, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { ScimSettings } from "./scim-settings.js";

const meta = {
  title: "Widgets/ScimSettings",
  component: ScimSettings,
  decorators: [withScenario],
  args: { orgId: "o1" },
  parameters: { scenario: { scim: scimSettings } },
} satisfies Meta<typeof ScimSettings>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The base URL to copy, an Okta token in use, and a provisioned group mapped to a role. */
export const Default: Story = {};

export const Empty: Story = { parameters: { scenario: {} } };

export const Loading: Story = { parameters: { scenario: { pending: ["scim.get"] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "scim.get": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 } },
    },
  },
};

export const NoPermission: Story = {
  parameters: { scenario: { role: "member", permissions: viewerPermissions } },
};

export const Dark: Story = { parameters: { scenario: { scim: scimSettings }, theme: "dark" } };
