/** The words of JoinOrganization, the join requests in MemberList, and Domains, in English. */
export const identityLabels = {
  // JoinOrganization
  joinableTitle: "Organizations you can join",
  joinText: (organization: string, domain: string) =>
    `${organization} welcomes people with an address at ${domain}.`,
  requestToJoin: "Ask to join",
  requestPending: "Your request is waiting for an administrator.",
  withdrawRequest: "Withdraw request",
  requested: (organization: string) => `You asked to join ${organization}. Its administrators were told.`,
  requestWithdrawn: (organization: string) => `You withdrew your request to join ${organization}.`,

  // MemberList: join requests
  requestsTitle: "Requests to join",
  requestText: (name: string, email: string) => `${name} (${email}) asks to join.`,
  requestRole: (name: string) => `Role for ${name}`,
  approve: "Approve",
  reject: "Reject",
  approved: (name: string, role: string) => `${name} joined as ${role}.`,
  rejected: (name: string) => `The request of ${name} was rejected.`,

  // Domains
  domainsTitle: "Domains",
  domainsIntro:
    "Verify the domains your organization owns. People who confirm an address on a verified domain can be invited automatically, or see your organization and ask to join.",
  domainName: "Domain",
  addDomain: "Add domain",
  domainAdded: (domain: string) => `${domain} was added. Publish the TXT record below, then verify it.`,
  domainVerified: (domain: string) => `${domain} is verified.`,
  domainRemoved: (domain: string) => `${domain} was removed.`,
  domainPending: "Not verified yet",
  domainVerifiedOn: (date: string) => `Verified ${date}`,
  dnsRecordHint: "Add this TXT record to the domain's DNS, then choose Verify:",
  recordName: "Name",
  recordValue: "Value",
  copyValue: (what: string) => `Copy ${what}`,
  copied: "Copied.",
  verifyDns: "Verify with DNS",
  verifyEmail: "Verify with my email address",
  enrollmentLabel: (domain: string) => `People at ${domain}`,
  enrollment: {
    off: "Nothing happens",
    invitation: "Are invited automatically",
    suggestion: "May ask to join",
  } as Record<"off" | "invitation" | "suggestion", string>,
  defaultRoleLabel: "With the role",
  saveEnrollment: "Save",
  enrollmentSaved: (domain: string) => `What happens to people at ${domain} was saved.`,
  removeDomain: (domain: string) => `Remove ${domain}`,
  noDomains: "No domains yet.",
  loadingDomains: "Loading domains…",
  cannotManageDomains: "Your role does not allow managing domains.",
};
