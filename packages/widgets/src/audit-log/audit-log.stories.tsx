import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { auditTrail, team } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { AuditLog } from "./audit-log.js";

const meta = {
  title: "Widgets/AuditLog",
  component: AuditLog,
  args: { orgId: "00000000-0000-4000-8000-000000000501" },
  decorators: [withScenario],
  parameters: { scenario: { members: team, audit: auditTrail(12) } },
} satisfies Meta<typeof AuditLog>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { members: team, pending: ["audit.list"] } } };

export const Empty: Story = { parameters: { scenario: { members: team, audit: [] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      members: team,
      errors: { "audit.list": { reason: "PERMISSION_DENIED", message: "Denied.", httpStatus: 403 } },
    },
  },
};

/** 240 entries, 50 at a time with "Load more". */
export const ManyPages: Story = { parameters: { scenario: { members: team, audit: auditTrail(240) } } };

export const Dark: Story = {
  parameters: { scenario: { members: team, audit: auditTrail(12) }, theme: "dark" },
};

export const FilteredToNothing: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByRole("combobox", { name: "Action" }), "webhook.deleted");
    await canvas.findByText("No entries match these filters.", {}, { timeout: 2000 });
  },
};
