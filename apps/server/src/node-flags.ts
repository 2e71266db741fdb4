/**
 * The Node.js options Roster's server runs with (`pnpm --filter @roster/server start`, `pnpm start`
 * and the benchmarks), measured with `--trace-gc` under `pnpm bench`'s load (docs/benchmarks.md):
 * - young-generation semi-spaces of 16 MB: fewer scavenges, so fewer of the objects of requests
 *   still in flight are copied and promoted (half the scavenging time per request of 4 MB ones);
 * - the old generation grows to 1.5 times what the last full collection kept, rather than up to
 *   four times: a full collection comes sooner, and the server stays about 35 MB smaller under
 *   load. What requests leave behind is short-lived, so each full collection is quick;
 * - no allocation-site pretenuring: V8 otherwise decides, from what survives while the server
 *   starts (nearly everything), that some object and array literals are long-lived and allocates
 *   them straight in the old generation from then on. When one of those literals is also on the
 *   request path, each request's young objects hang from old ones that have already died: every
 *   page of rows survived two scavenges and was promoted, and a scavenge under load took 6–8 ms
 *   instead of 1.5.
 * All three options are V8's own and are accepted by Node.js 20, 22 and 24.
 */
export const NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=16",
  "--heap-growing-percent=50",
  "--no-allocation-site-pretenuring",
];
