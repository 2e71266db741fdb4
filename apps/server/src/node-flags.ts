/**
 * The Node.js options Roster's server runs with (`pnpm --filter @roster/server start`, `pnpm start`
 * and the benchmarks): a young generation of 4 MB semi-spaces instead of up to 16 MB. A request's
 * garbage dies young either way; the smaller nursery costs no measurable CPU per request and keeps
 * about 30 MB less resident under load (docs/benchmarks.md).
 */
export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4"];
