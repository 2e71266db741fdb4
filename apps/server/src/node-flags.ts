/**
 * The Node.js options Roster's server runs with (`pnpm --filter @roster/server start`, `pnpm start`
 * and the benchmarks), measured with `--trace-gc` under `pnpm bench`'s load (docs/benchmarks.md):
 * - young-generation semi-spaces of 16 MB: fewer scavenges, so fewer of the objects of requests
 *   still in flight are copied and promoted (half the scavenging time per request of 4 MB ones);
 * - the old generation grows to 1.5 times what the last full collection kept, rather than up to
 *   four times: a full collection comes sooner, and the server stays about 35 MB smaller under
 *   load. What requests leave behind is short-lived, so each full collection is quick.
 */
export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16", "--heap-growing-percent=50"];
