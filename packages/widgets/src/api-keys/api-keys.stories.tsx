import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { apiKeys, serviceAccounts, team, viewerPermissions } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { ApiKeys } from "./api-keys.js";

const meta = {
  title: "Widgets/ApiKeys",
  component: ApiKeys,
  args: { orgId: "00000000-0000-4000-8000-000000000501" },
  decorators: [withScenario],
  parameters: { scenario: { members: team, serviceAccounts, apiKeys } },
} satisfies Meta<typeof ApiKeys>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const Loading: Story = {
  parameters: { scenario: { serviceAccounts, pending: ["serviceAccounts.list"] } },
};

export const Empty: Story = { parameters: { scenario: { serviceAccounts: [] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: {
        "serviceAccounts.list": { reason: "PERMISSION_DENIED", message: "Denied.", httpStatus: 403 },
      },
    },
  },
};

/** A viewer sees the accounts, not their keys, and cannot create any. */
export const NoPermission: Story = {
  parameters: { scenario: { serviceAccounts, role: "viewer", permissions: viewerPermissions } },
};

/** One account's keys: one live, one revoked. */
export const KeysOpenDark: Story = {
  parameters: { scenario: { serviceAccounts, apiKeys }, theme: "dark" },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Keys of Nightly export" }));
    await canvas.findByRole("region", { name: "API keys of Nightly export" });
  },
};

/** A new key, shown once with a copy button. */
export const NewKeyShownOnce: Story = {
  parameters: { scenario: { serviceAccounts, apiKeys } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Keys of Nightly export" }));
    await userEvent.type(await canvas.findByRole("textbox", { name: "Key name" }), "Warehouse 2");
    await userEvent.click(canvas.getByRole("button", { name: "Create key" }));
    await canvas.findByRole("dialog", { name: "Your new API key" });
  },
};
