import { useCallback, useRef, useState } from "react";
import { errorMessage } from "../errors.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, ActionOutcome } from "../types.js";

export interface Outcome {
  tone: "success" | "error";
  text: string;
  /** The key of the action it reports (`link:<id>`, …), so a row can show it by its button. */
  key?: string;
}

export type RunResult<R> =
  | { ok: true; result: R }
  | { ok: false; error: unknown }
  | { ok: false; cancelled: true };

/**
 * Runs a widget's actions one way: the host's `onBefore` may cancel, the widget shows which action
 * is busy, the outcome becomes a sentence in the status region, and `onAfter` hears how it went.
 */
export function useAction<A extends { type: string }>(callbacks: ActionCallbacks<A>) {
  const labels = useLabels();
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  // One action at a time: `busy` disables the controls a render later; a second click before that
  // render (a double click) is dropped here instead of sending the request twice.
  const running = useRef(false);

  const run = useCallback(
    async <R>(
      action: A,
      key: string,
      perform: () => Promise<R>,
      describe: (result: R) => string,
      /** A sentence for a refusal this action says better than its reason's message does. */
      explain?: (error: unknown) => string | undefined,
    ): Promise<RunResult<R>> => {
      if (running.current) return { ok: false, cancelled: true };
      running.current = true;
      const { onBefore, onAfter } = callbacksRef.current;
      let cancelled = true;
      try {
        cancelled = Boolean(onBefore) && (await onBefore?.(action)) === false;
      } finally {
        if (cancelled) running.current = false;
      }
      if (cancelled) return { ok: false, cancelled: true };
      setBusy(key);
      setOutcome(null);
      let reported: ActionOutcome;
      let result: RunResult<R>;
      try {
        const value = await perform();
        setOutcome({ tone: "success", text: describe(value), key });
        reported = { ok: true, result: value };
        result = { ok: true, result: value };
      } catch (error) {
        setOutcome({ tone: "error", text: explain?.(error) ?? errorMessage(error, labels), key });
        reported = { ok: false, error };
        result = { ok: false, error };
      } finally {
        running.current = false;
        setBusy(null);
      }
      onAfter?.(action, reported);
      return result;
    },
    [labels],
  );

  return { run, busy, outcome, setOutcome };
}
