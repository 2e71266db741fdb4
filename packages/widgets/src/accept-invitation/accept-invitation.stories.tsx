import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn, userEvent, within } from "storybook/test";
import { invitationPreview } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { AcceptInvitation } from "./accept-invitation.js";

const signedOut = {
  "auth.me": { reason: "UNAUTHENTICATED", message: "Sign in.", httpStatus: 401 },
};

const meta = {
  title: "Widgets/AcceptInvitation",
  component: AcceptInvitation,
  decorators: [withScenario],
  args: { token: "invitation-token", onSignIn: fn(), onSignUp: fn(), onAccepted: fn() },
  parameters: { scenario: { invitation: invitationPreview } },
} satisfies Meta<typeof AcceptInvitation>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Signed in with the invited address: accept or decline. */
export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { pending: ["invitations.preview"] } } };

export const SignedOut: Story = {
  parameters: { scenario: { invitation: invitationPreview, errors: signedOut } },
};

export const NewAccount: Story = {
  parameters: {
    scenario: { invitation: { ...invitationPreview, accountExists: false }, errors: signedOut },
  },
};

export const OtherAccount: Story = {
  parameters: {
    scenario: { invitation: { ...invitationPreview, email: "grace@example.com" } },
  },
};

export const Accepted: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Accept" }));
    await canvas.findByText("You joined Difference Labs.");
  },
};

export const Declined: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Decline" }));
    await canvas.findByText("You declined the invitation to Difference Labs.");
  },
};

export const Expired: Story = {
  parameters: { scenario: { invitation: { ...invitationPreview, status: "expired" } } },
};

export const InvalidLink: Story = {
  parameters: {
    scenario: {
      errors: {
        "invitations.preview": {
          reason: "INVITATION_NOT_FOUND",
          message: "This invitation link is not valid.",
          httpStatus: 404,
        },
      },
    },
  },
};

export const AcceptRefused: Story = {
  parameters: {
    scenario: {
      invitation: invitationPreview,
      errors: {
        "invitations.accept": { reason: "SEAT_LIMIT", message: "No seat left.", httpStatus: 409 },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Accept" }));
    await canvas.findByRole("status");
  },
};

export const Dark: Story = { parameters: { scenario: { invitation: invitationPreview }, theme: "dark" } };

export const SignedOutDark: Story = {
  parameters: { scenario: { invitation: invitationPreview, errors: signedOut }, theme: "dark" },
};
