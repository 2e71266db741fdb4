import type { Meta, StoryObj } from "@storybook/react-vite";
import { domains, scimSettings, ssoConnection, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { Security } from "./security.js";

const meta = {
  title: "Widgets/Security",
  component: Security,
  decorators: [withScenario],
  args: { orgId: "o1" },
  parameters: { scenario: { domains, sso: ssoConnection, scim: scimSettings } },
} satisfies Meta<typeof Security>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Domains, single sign-on and provisioning, as an admin sees them. */
export const Default: Story = {};

export const Loading: Story = {
  parameters: { scenario: { pending: ["orgs.permissions", "domains.list", "sso.get", "scim.get"] } },
};

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: {
        "orgs.permissions": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 },
      },
    },
  },
};

export const NoPermission: Story = {
  parameters: { scenario: { role: "member", permissions: viewerPermissions } },
};
