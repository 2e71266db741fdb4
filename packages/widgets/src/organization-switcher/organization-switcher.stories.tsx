import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { withScenario } from "../stories/story-roster.js";
import { OrganizationSwitcher } from "./organization-switcher.js";

const meta = {
  title: "Widgets/OrganizationSwitcher",
  component: OrganizationSwitcher,
  decorators: [withScenario],
} satisfies Meta<typeof OrganizationSwitcher>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const Open: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Organization: Analytical Engines" }));
  },
};

export const Loading: Story = { parameters: { scenario: { pending: ["orgs.list"] } } };

export const Empty: Story = { parameters: { scenario: { organizations: [] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "orgs.list": { reason: "SESSION_EXPIRED", message: "Sign in again.", httpStatus: 401 } },
    },
  },
};

export const Dark: Story = {
  parameters: { theme: "dark" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Organization: Analytical Engines" }));
  },
};
