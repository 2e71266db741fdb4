/**
 * A module loaded on first use, once. Sign-in by password, passkeys, authenticator apps, single
 * sign-on and SMTP delivery each need a library that most requests never touch; importing them
 * at start made every server hold their code and heap (docs/benchmarks.md, "Memory under load").
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
