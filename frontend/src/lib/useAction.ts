import { useCallback, useState } from "react";

export interface Action {
  /** True while a run is in flight (any of them, when runs overlap). */
  busy: boolean;
  /** What the last failed run threw; cleared when a new run starts. */
  error: unknown;
  /**
   * Runs `action` with `busy` set, resolving with its value, or with undefined when it threw (the error is
   * then in `error`): callers never see a rejection, so `onClick={() => run(...)}` leaves none unhandled.
   */
  run: <T>(action: () => Promise<T>) => Promise<T | undefined>;
}

/** One user action at a time (submit, save, delete, download): its busy flag and its error for an <ErrorMessage>. */
export function useAction(): Action {
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setPending((n) => n + 1);
    setError(null);
    try {
      return await action();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setPending((n) => n - 1);
    }
  }, []);

  return { busy: pending > 0, error, run };
}
