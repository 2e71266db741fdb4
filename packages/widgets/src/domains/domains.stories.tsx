import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { domains, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { Domains } from "./domains.js";

const meta = {
  title: "Widgets/Domains",
  component: Domains,
  decorators: [withScenario],
  args: { orgId: "o1" },
  parameters: { scenario: { domains } },
} satisfies Meta<typeof Domains>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A verified domain whose people may ask to join, and one waiting for its TXT record. */
export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { pending: ["domains.list"] } } };

export const Empty: Story = { parameters: { scenario: { domains: [] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: { "domains.list": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 } },
    },
  },
};

export const NoPermission: Story = {
  parameters: { scenario: { domains, role: "member", permissions: viewerPermissions } },
};

/** Verifying before the TXT record is published says what is missing. */
export const NotVerifiedYet: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Verify with DNS" }));
    await canvas.findByText(/could not find the TXT record yet/);
  },
};

export const Dark: Story = { parameters: { scenario: { domains }, theme: "dark" } };
