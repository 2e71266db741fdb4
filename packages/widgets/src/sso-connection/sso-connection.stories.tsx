import type { Meta, StoryObj } from "@storybook/react-vite";
import { ssoConnection, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { SsoConnection } from "./sso-connection.js";

const meta = {
  title: "Widgets/SsoConnection",
  component: SsoConnection,
  decorators: [withScenario],
  args: { orgId: "o1" },
  parameters: { scenario: { sso: ssoConnection } },
} satisfies Meta<typeof SsoConnection>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An OIDC connection with its redirect URI to copy, a test button and enforcement off. */
export const Default: Story = {};

/** No connection yet: the values to give the provider, and the form to connect it. */
export const NotConnected: Story = { parameters: { scenario: { sso: null } } };

export const Loading: Story = { parameters: { scenario: { pending: ["sso.get"] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "sso.get": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 } },
    },
  },
};

export const NoPermission: Story = {
  parameters: { scenario: { role: "member", permissions: viewerPermissions } },
};

export const Dark: Story = {
  parameters: { scenario: { sso: { ...ssoConnection, enforced: true } }, theme: "dark" },
};
