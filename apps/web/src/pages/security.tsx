import { Domains } from "@roster/widgets";
import { useCan } from "../trpc";
import { TwoFactorPolicy } from "./settings-security";
import { SsoSettings } from "./sso";

/**
 * The organization's identity settings: whether members must use two-factor sign-in, verified
 * domains, what happens to people on them, and the identity provider they sign in through.
 */
export function SecurityPage({ orgId }: { orgId: string }) {
  const can = useCan(orgId);
  return (
    <>
      <h1>Security</h1>
      <TwoFactorPolicy orgId={orgId} canEdit={can("org:update")} />
      <Domains orgId={orgId} />
      <SsoSettings orgId={orgId} />
    </>
  );
}
