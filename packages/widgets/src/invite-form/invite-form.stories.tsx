import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { team, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { InviteForm } from "./invite-form.js";

const meta = {
  title: "Widgets/InviteForm",
  component: InviteForm,
  args: { orgId: "00000000-0000-4000-8000-000000000501" },
  decorators: [withScenario],
  parameters: { scenario: { members: team } },
} satisfies Meta<typeof InviteForm>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { pending: ["roles.list", "orgs.permissions"] } } };

export const NoPermission: Story = {
  parameters: { scenario: { role: "viewer", permissions: viewerPermissions } },
};

/** Three addresses typed, one of them not valid, then sent: one result per address. */
export const Results: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const field = await canvas.findByRole("textbox", { name: "Email addresses" });
    await userEvent.type(field, "mary@example.com grace.hopper@example.com not-an-email{enter}");
    await userEvent.click(canvas.getByRole("button", { name: "Send invitations" }));
    await canvas.findByRole("list", { name: "Results" });
  },
};

export const SeatLimit: Story = {
  parameters: {
    scenario: {
      errors: {
        "invitations.create": { reason: "SEAT_LIMIT", message: "No free seats.", httpStatus: 409 },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const field = await canvas.findByRole("textbox", { name: "Email addresses" });
    await userEvent.type(field, "mary@example.com{enter}");
    await userEvent.click(canvas.getByRole("button", { name: "Send invitations" }));
    await canvas.findByText(/no free seats left/);
  },
};

export const Dark: Story = {
  parameters: { theme: "dark" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const field = await canvas.findByRole("textbox", { name: "Email addresses" });
    await userEvent.type(field, "mary@example.com oops{enter}");
  },
};
