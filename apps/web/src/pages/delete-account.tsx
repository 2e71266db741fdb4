import { useState } from "react";
import { useMutation } from "../mutation";
import { trpcClient } from "../trpc";
import { Button, ErrorNote, Field } from "../ui";

/**
 * Deleting one's own account: the address typed out (and the password) confirm it. The server
 * refuses while the person is the last owner of an organization with other members, and says which.
 */
export function DeleteAccount({ email }: { email: string }) {
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const remove = useMutation({
    mutationFn: () =>
      trpcClient.auth.deleteAccount.mutate({ confirmEmail: typed, ...(password ? { password } : {}) }),
    // The session ended with the account: start over at the sign-in page.
    onSuccess: () => window.location.assign("/sign-in"),
  });
  const ready = typed.trim().toLowerCase() === email.toLowerCase();
  return (
    <form
      className="card stack"
      aria-labelledby="delete-account-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) remove.mutate();
      }}
    >
      <h2 id="delete-account-title">Delete your account</h2>
      <p>
        Organizations where you are the only member are deleted with it; you leave the others, and your
        clusters there go to one of their owners. This cannot be undone.
      </p>
      <Field
        label={`Type ${email} to confirm`}
        value={typed}
        maxLength={320}
        autoComplete="off"
        onChange={(e) => setTyped(e.target.value)}
      />
      <Field
        label="Your password"
        hint="Leave it empty if you sign in only through your company's single sign-on."
        type="password"
        value={password}
        maxLength={256}
        autoComplete="current-password"
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorNote error={remove.error} />
      <Button type="submit" tone="danger" busy={remove.isPending} disabled={!ready}>
        Delete my account
      </Button>
    </form>
  );
}
