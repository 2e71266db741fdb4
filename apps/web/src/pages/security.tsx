import { Domains } from "@roster/widgets";

/** The organization's identity settings: verified domains and what happens to people on them. */
export function SecurityPage({ orgId }: { orgId: string }) {
  return (
    <>
      <h1>Security</h1>
      <Domains orgId={orgId} />
    </>
  );
}
