import type { Meta, StoryObj } from "@storybook/react-vite";
import { userEvent, within } from "storybook/test";
import { passkeys } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { AccountSecurity } from "./account-security.js";

const meta = {
  title: "Widgets/AccountSecurity",
  component: AccountSecurity,
  decorators: [withScenario],
  parameters: { scenario: {} },
} satisfies Meta<typeof AccountSecurity>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Two-factor off, signed in on a laptop (here) and a phone. */
export const Default: Story = {};

export const Loading: Story = { parameters: { scenario: { pending: ["twoFactor.status"] } } };

export const LoadError: Story = {
  parameters: {
    scenario: {
      errors: {
        "twoFactor.status": { reason: "INTERNAL", message: "Something went wrong.", httpStatus: 500 },
      },
    },
  },
};

/** Two-factor on: new recovery codes or turning it off each ask for a current code. */
export const TwoFactorOn: Story = { parameters: { scenario: { totp: true, passkeys } } };

/** Shown with an embed token: account-level changes need the person's own Roster session. */
export const EmbedToken: Story = {
  parameters: {
    scenario: {
      errors: {
        "twoFactor.status": {
          reason: "EMBED_SCOPE_MISSING",
          message: "Embed tokens cannot call this procedure.",
          httpStatus: 403,
        },
      },
    },
  },
};

/** Setting up an authenticator: the QR code, then its code, then ten recovery codes shown once. */
export const Enroll: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Set up an authenticator app" }));
    await userEvent.type(await canvas.findByLabelText("Code from your authenticator app"), "123456");
    await userEvent.click(canvas.getByRole("button", { name: "Confirm" }));
    await canvas.findByRole("list", { name: "Your recovery codes" });
  },
};

/** Renaming a passkey in its row. */
export const RenamePasskey: Story = {
  parameters: { scenario: { passkeys } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Rename Work laptop" }));
    const input = await canvas.findByLabelText("New name for Work laptop");
    await userEvent.clear(input);
    await userEvent.type(input, "Home laptop");
    await userEvent.click(canvas.getByRole("button", { name: "Save name" }));
    await canvas.findByRole("button", { name: "Rename Home laptop" });
  },
};

export const Dark: Story = { parameters: { scenario: { totp: true, passkeys }, theme: "dark" } };
