import { useCallback, useEffect, useEffectEvent, useState } from "react";

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((previous: T | undefined) => T)) => void;
}

/** The outcome of one load: which deps and reload count it was for, and what it threw (null when it worked). */
interface Settled {
  deps: readonly unknown[];
  nonce: number;
  error: unknown;
}

const sameDeps = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));

/**
 * Runs `load` when `deps` change (aborting the previous run) and tracks loading / error / data. Data stays while
 * the next load runs; loading and error are derived from whether the last settled load is the one these deps ask for.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [settled, setSettled] = useState<Settled | null>(null);
  const [nonce, setNonce] = useState(0);
  // Today's loader closure, called by the effect without re-running it when only the closure changed.
  const loadNow = useEffectEvent(load);

  useEffect(() => {
    const controller = new AbortController();
    const settle = (error: unknown) => setSettled({ deps, nonce, error });
    loadNow(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        settle(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) settle(err);
      },
    );
    return () => controller.abort();
    // The caller's deps list is this effect's (exhaustive-deps checks it at each useAsync call, see eslint.config.js).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = settled !== null && settled.nonce === nonce && sameDeps(settled.deps, deps);
  return { data, error: current ? settled.error : null, loading: !current, reload, setData: setData as AsyncState<T>["setData"] };
}
