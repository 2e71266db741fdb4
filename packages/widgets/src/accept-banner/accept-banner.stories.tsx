import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { myInvitations } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { AcceptBanner } from "./accept-banner.js";

const meta = {
  title: "Widgets/AcceptBanner",
  component: AcceptBanner,
  decorators: [withScenario],
  parameters: { scenario: { mine: myInvitations } },
} satisfies Meta<typeof AcceptBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

/** Nothing is rendered while loading and when there is no invitation. */
export const Loading: Story = { parameters: { scenario: { pending: ["invitations.mine"] } } };

export const Empty: Story = { parameters: { scenario: { mine: [] } } };

export const EmailNotVerified: Story = {
  parameters: {
    scenario: {
      errors: {
        "invitations.mine": { reason: "EMAIL_NOT_VERIFIED", message: "Confirm your email.", httpStatus: 403 },
      },
    },
  },
};

export const Accepted: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Accept Difference Labs" }));
    await canvas.findByText("You joined Difference Labs.");
  },
};

export const Expired: Story = {
  parameters: {
    scenario: {
      mine: myInvitations,
      errors: {
        "invitations.accept": { reason: "INVITATION_EXPIRED", message: "Expired.", httpStatus: 409 },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Accept Difference Labs" }));
    await canvas.findByText(/has expired/);
  },
};

export const Dark: Story = { parameters: { scenario: { mine: myInvitations }, theme: "dark" } };
