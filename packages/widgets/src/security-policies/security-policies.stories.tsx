import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { organizations, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { SecurityPolicies } from "./security-policies.js";

const org = organizations[0]!;
/** An organization with limits: eight-hour sessions, a 30-minute idle timeout, no social sign-in. */
const strict = [
  {
    ...org,
    requireTwoFactor: true,
    sessionMaxAgeMinutes: 480,
    idleTimeoutMinutes: 30,
    allowedSignInMethods: ["password" as const, "passkey" as const, "sso" as const],
  },
  ...organizations.slice(1),
];

const meta = {
  title: "Widgets/SecurityPolicies",
  component: SecurityPolicies,
  decorators: [withScenario],
  args: { orgId: org.id },
  parameters: { scenario: { organizations: strict } },
} satisfies Meta<typeof SecurityPolicies>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Two-factor required, sessions limited, social sign-in not accepted: as an owner sees them. */
export const Default: Story = {};

/** No policy yet: no limits, every way of signing in accepted. */
export const NoLimits: Story = { parameters: { scenario: {} } };

export const Loading: Story = {
  parameters: { scenario: { pending: ["orgs.permissions", "orgs.get"] } },
};

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "orgs.get": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 } },
    },
  },
};

export const NoPermission: Story = {
  parameters: { scenario: { role: "member", permissions: viewerPermissions } },
};

/** Requiring two-factor of members without using it yourself is refused, and the toggle stays off. */
export const TwoFactorRefused: Story = {
  parameters: {
    scenario: {
      errors: {
        "orgs.setTwoFactorPolicy": {
          reason: "MFA_REQUIRED",
          message: "This organization requires two-factor sign-in.",
          httpStatus: 403,
        },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByLabelText("Members must use two-factor sign-in"));
    await canvas.findByText(/turn on two-factor sign-in for your own account/);
  },
};

export const Dark: Story = { parameters: { scenario: { organizations: strict }, theme: "dark" } };
