import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, within } from "storybook/test";
import { identities, passkeys } from "../stories/fixtures.js";
import { withScenario } from "../stories/story-roster.js";
import { AccountSecurity } from "./account-security.js";

const meta = {
  title: "Widgets/AccountSecurity",
  component: AccountSecurity,
  decorators: [withScenario],
  parameters: { scenario: {} },
  // Linking opens the provider's page; in a story the address is only reported.
  args: { navigate: fn() },
} satisfies Meta<typeof AccountSecurity>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A password, two-factor off, Google and GitHub offered to link, signed in on a laptop (here) and a phone. */
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

/** Google and GitHub linked; Microsoft offered too, so it can be linked. */
export const WithLinkedAccounts: Story = {
  parameters: {
    scenario: {
      identities,
      providers: [
        { id: "google", name: "Google", startPath: "/auth/social/google/start" },
        { id: "github", name: "GitHub", startPath: "/auth/social/github/start" },
        { id: "microsoft", name: "Microsoft", startPath: "/auth/social/microsoft/start" },
      ],
    },
  },
};

/** No provider configured: a GitHub account linked earlier is listed and can be unlinked, nothing can be linked. */
export const NoProvidersConfigured: Story = {
  parameters: { scenario: { identities: identities.slice(1), providers: [] } },
};

/** The current password typed wrong: Roster's refusal is said beside that field. */
export const PasswordChangeError: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByLabelText("Current password"), "not my password");
    await userEvent.type(canvas.getByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(canvas.getByLabelText("New password again"), "a brand new passphrase");
    await userEvent.click(canvas.getByRole("button", { name: "Change password" }));
    await expect(await canvas.findByRole("alert")).toHaveTextContent("This password is not right.");
  },
};

/** The new password typed differently the second time: said before anything is sent. */
export const PasswordsDiffer: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByLabelText("Current password"), "correct horse battery staple");
    await userEvent.type(canvas.getByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(canvas.getByLabelText("New password again"), "a brand new passphrase?");
    await userEvent.click(canvas.getByRole("button", { name: "Change password" }));
    await canvas.findByText(/The two new passwords are not the same/);
  },
};

/**
 * An account made with Google alone: no password to change, and Google cannot be unlinked while it
 * is the only way to sign in.
 */
export const LastSignInMethod: Story = {
  parameters: { scenario: { hasPassword: false, identities: identities.slice(0, 1), providers: [] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole("button", { name: "Unlink Google" }));
    await expect(await canvas.findByText(/This is your only way to sign in/)).toBeVisible();
  },
};
