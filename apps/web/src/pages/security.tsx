import { Domains } from "@roster/widgets";
import { useCan } from "../trpc";
import { SignInPolicy, TwoFactorPolicy } from "./settings-security";
import { SsoSettings } from "./sso";

/**
 * The organization's identity settings: whether members must use two-factor sign-in, its sign-in
 * policy (session lifetime, idle timeout, accepted methods), verified
 * domains, what happens to people on them, and the identity provider they sign in through.
 */
export function SecurityPage({ orgId }: { orgId: string }) {
  const can = useCan(orgId);
  return (
    <>
      <h1>Security</h1>
      <TwoFactorPolicy orgId={orgId} canEdit={can("org:update")} />
      <SignInPolicy orgId={orgId} canEdit={can("org:update")} />
      <Domains orgId={orgId} />
      <SsoSettings orgId={orgId} />
    </>
  );
}
