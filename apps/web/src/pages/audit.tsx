import { AuditLog } from "@roster/widgets";

/** The organization's audit log: the AuditLog widget (sentences with names, filters, paging). */
export function AuditPage({ orgId }: { orgId: string }) {
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <AuditLog orgId={orgId} />
    </section>
  );
}
