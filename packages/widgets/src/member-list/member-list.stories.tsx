import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { crowd, declinedInvitation, joinRequests, team, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { MemberList } from "./member-list.js";

const meta = {
  title: "Widgets/MemberList",
  component: MemberList,
  args: { orgId: "00000000-0000-4000-8000-000000000501" },
  decorators: [withScenario],
  parameters: { scenario: { members: team } },
} satisfies Meta<typeof MemberList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An owner sees every action: change role, deactivate, remove; resend, copy link, revoke. */
export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { members: team, pending: ["members.list"] } } };

export const Empty: Story = { parameters: { scenario: { members: [] } } };

/** Someone on a verified domain asked to join: approve with a role, or reject. */
export const WithJoinRequest: Story = {
  parameters: { scenario: { members: team, joinRequests } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Approve Mary Somerville" }));
    await canvas.findByText("Mary Somerville joined as Member.");
  },
};

/** Invitations their recipients declined stay in view, labelled, under the list. */
export const WithDeclinedInvitations: Story = {
  parameters: {
    scenario: {
      members: team,
      declined: [
        declinedInvitation(2, "ada.declined@example.com"),
        declinedInvitation(5, "grace.declined@example.com", "admin"),
      ],
    },
  },
};

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: {
        "members.list": {
          reason: "ORG_NOT_FOUND",
          message: "This organization does not exist, or you are not a member of it.",
          httpStatus: 404,
        },
      },
    },
  },
};

/** 320 members, 50 at a time with "Load more". */
export const HundredsOfMembers: Story = { parameters: { scenario: { members: [...team, ...crowd(312)] } } };

/** A viewer: the list without actions or selection. */
export const NoPermission: Story = {
  parameters: { scenario: { members: team, role: "viewer", permissions: viewerPermissions } },
};

export const Dark: Story = { parameters: { scenario: { members: team }, theme: "dark" } };

/** Removing someone who owns resources: the dialog asks who takes them over. */
export const TransferRequired: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Remove Alan Turing" }));
    await userEvent.click(await canvas.findByRole("button", { name: "Remove" }));
    await canvas.findByRole("combobox", { name: "Who takes over their resources?" });
  },
};

export const ChangeRoleDark: Story = {
  parameters: { scenario: { members: team }, theme: "dark" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Change role Grace Hopper" }));
    await canvas.findByRole("dialog", { name: "Change Grace Hopper's role" });
  },
};

export const LastOwnerRefused: Story = {
  parameters: {
    scenario: {
      members: team,
      errors: {
        "members.deactivate": {
          reason: "LAST_OWNER",
          message: "An organization needs at least one active owner.",
          httpStatus: 409,
        },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Deactivate Grace Hopper" }));
    await userEvent.click(await canvas.findByRole("button", { name: "Deactivate" }));
    await canvas.findByRole("alert");
  },
};
