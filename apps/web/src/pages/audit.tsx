import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { Button, Empty, ErrorNote, Loading } from "../ui";

export function AuditPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const audit = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { orgId, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      {audit.isPending ? <Loading /> : null}
      <ErrorNote error={audit.error} />
      {audit.isSuccess && items.length === 0 ? <Empty title="Nothing has happened yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.createdAt).toLocaleString()}</td>
                  <td>{e.actor ? e.actor.name || e.actor.email : "Roster"}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{typeof e.data.email === "string" ? e.data.email : (e.targetId ?? "")}</td>
                  <td>{e.ip ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {audit.hasNextPage ? (
        <Button tone="secondary" busy={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          Load more
        </Button>
      ) : null}
    </section>
  );
}
