import type { Logger } from "./logger.js";

/**
 * Work a request starts and does not wait for, so that its answer takes the same time whatever
 * the work finds (a password reset for a known address and for an unknown one). Lost if the
 * process dies before it runs; the person asks again. `settle()` waits for all of it (shutdown,
 * tests).
 */
export class DeferredWork {
  readonly #pending = new Set<Promise<void>>();
  readonly #keys = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Starts `task`; with a `key`, not while another task of that key is still running. */
  run(name: string, task: () => Promise<void>, key?: string): void {
    if (key !== undefined) {
      if (this.#keys.has(key)) return;
      this.#keys.add(key);
    }
    const promise: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.logger.error("deferred work failed", {
          task: name,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        this.#pending.delete(promise);
        if (key !== undefined) this.#keys.delete(key);
      });
    this.#pending.add(promise);
  }

  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
