import { Domains, SecurityPolicies } from "@roster/widgets";
import { SsoSettings } from "./sso";

/**
 * The organization's identity settings: its sign-in policies (members must use two-factor sign-in,
 * session lifetime, idle timeout, accepted methods), verified domains, what happens to people on
 * them, and the identity provider they sign in through.
 */
export function SecurityPage({ orgId }: { orgId: string }) {
  return (
    <>
      <h1>Security</h1>
      <SecurityPolicies orgId={orgId} className="card" />
      <Domains orgId={orgId} />
      <SsoSettings orgId={orgId} />
    </>
  );
}
