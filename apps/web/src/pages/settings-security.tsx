import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "../mutation";
import { useTRPC } from "../trpc";
import { ErrorNote, useToast } from "../ui";

/** The organization policy "members must use two-factor sign-in". */
export function TwoFactorPolicy({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  const set = useMutation(
    trpc.orgs.setTwoFactorPolicy.mutationOptions({
      onSuccess: ({ requireTwoFactor }) => {
        toast(
          "success",
          requireTwoFactor
            ? "Members now need two-factor sign-in."
            : "Members no longer need two-factor sign-in.",
        );
        void queryClient.invalidateQueries({ queryKey: trpc.orgs.pathKey() });
      },
    }),
  );
  if (!org.data) return null;
  return (
    <section className="card stack" aria-labelledby="security-policy-title">
      <h2 id="security-policy-title">Two-factor sign-in</h2>
      <label className="check">
        <input
          type="checkbox"
          disabled={!canEdit || set.isPending}
          checked={set.isPending && set.variables ? set.variables.required : org.data.requireTwoFactor}
          onChange={(e) => set.mutate({ orgId, required: e.target.checked })}
        />{" "}
        Members must use two-factor sign-in
      </label>
      <p className="muted">
        Members without an authenticator app or a passkey are asked to set one up before they can do anything
        in this organization. Turn on two-factor for your own account first.
      </p>
      <ErrorNote error={set.error} />
    </section>
  );
}
