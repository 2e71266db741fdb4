import { Domains } from "@roster/widgets";
import { SsoSettings } from "./sso";

/**
 * The organization's identity settings: verified domains, what happens to people on them, and the
 * identity provider they sign in through.
 */
export function SecurityPage({ orgId }: { orgId: string }) {
  return (
    <>
      <h1>Security</h1>
      <Domains orgId={orgId} />
      <SsoSettings orgId={orgId} />
    </>
  );
}
