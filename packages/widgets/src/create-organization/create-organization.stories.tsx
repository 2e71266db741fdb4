import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { withScenario } from "../stories/story-roster.js";
import { CreateOrganization } from "./create-organization.js";

const meta = {
  title: "Widgets/CreateOrganization",
  component: CreateOrganization,
  decorators: [withScenario],
} satisfies Meta<typeof CreateOrganization>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const Created: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByRole("textbox", { name: "Organization name" }), "Babbage & Co");
    await userEvent.click(canvas.getByRole("button", { name: "Create organization" }));
    await canvas.findByText("Babbage & Co was created.");
  },
};

export const NameTaken: Story = {
  parameters: {
    scenario: {
      errors: { "orgs.create": { reason: "SLUG_TAKEN", message: "Taken.", httpStatus: 409 } },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByRole("textbox", { name: "Organization name" }), "Acme");
    await userEvent.click(canvas.getByRole("button", { name: "Create organization" }));
    await canvas.findByText(/already uses this name/);
  },
};

export const Dark: Story = { parameters: { theme: "dark" } };
