import {
  type DefaultError,
  type MutateOptions,
  type UseMutationOptions,
  type UseMutationResult,
  useMutation as useTanstackMutation,
} from "@tanstack/react-query";
import { useCallback, useRef } from "react";

/**
 * TanStack's useMutation, run once at a time: while a request runs, another `mutate` (a double
 * click, Enter pressed twice) joins it instead of sending a second one. `isPending` disables the
 * control a render later; this closes the gap before that render.
 */
export function useMutation<
  TData = unknown,
  TError = DefaultError,
  TVariables = void,
  TOnMutateResult = unknown,
>(
  options: UseMutationOptions<TData, TError, TVariables, TOnMutateResult>,
): UseMutationResult<TData, TError, TVariables, TOnMutateResult> {
  const mutation = useTanstackMutation(options);
  const inFlight = useRef<Promise<TData> | null>(null);
  const run = mutation.mutateAsync;
  const mutateAsync = useCallback(
    (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TOnMutateResult>) => {
      if (inFlight.current) return inFlight.current;
      const request = run(variables, callbacks).finally(() => {
        inFlight.current = null;
      });
      inFlight.current = request;
      return request;
    },
    [run],
  );
  const mutate = useCallback(
    (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TOnMutateResult>) => {
      // The outcome is in the mutation's state and its callbacks; nothing awaits this promise.
      mutateAsync(variables, callbacks).catch(() => {});
    },
    [mutateAsync],
  );
  return { ...mutation, mutate, mutateAsync } as UseMutationResult<
    TData,
    TError,
    TVariables,
    TOnMutateResult
  >;
}

/** A fresh key for one intended creation; kept until it succeeds, so retries of it are recognised. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
