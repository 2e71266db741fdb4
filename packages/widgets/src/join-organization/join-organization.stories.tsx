import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { suggestions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { JoinOrganization } from "./join-organization.js";

const meta = {
  title: "Widgets/JoinOrganization",
  component: JoinOrganization,
  decorators: [withScenario],
  parameters: { scenario: { suggestions } },
} satisfies Meta<typeof JoinOrganization>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

/** Nothing is rendered while loading and when no organization offers itself. */
export const Empty: Story = { parameters: { scenario: { suggestions: [] } } };

export const Requested: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Ask to join Analytical Engines" }));
    await canvas.findByRole("button", { name: "Withdraw request Analytical Engines" });
  },
};

export const Dark: Story = { parameters: { scenario: { suggestions }, theme: "dark" } };
