import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useAsync } from "./useAsync";

/** Loads the test settles by hand, one per call, with the signal each was given. */
function manualLoads<T>() {
  const calls: { key: string; signal: AbortSignal; resolve: (value: T) => void; reject: (err: unknown) => void }[] = [];
  const load = (key: string, signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ key, signal, resolve, reject });
    });
  return { calls, load };
}

describe("useAsync", () => {
  it("is loading until the load resolves, then holds its data", async () => {
    const { calls, load } = manualLoads<string>();
    const { result } = renderHook(() => useAsync((signal) => load("a", signal), []));
    expect(result.current.loading).toBe(true);
    expect(result.current.data).toBeUndefined();
    await act(async () => calls[0].resolve("rows of a"));
    expect(result.current).toMatchObject({ loading: false, data: "rows of a", error: null });
  });

  it("aborts the load of the previous deps and ignores what it returns late", async () => {
    const { calls, load } = manualLoads<string>();
    const { result, rerender } = renderHook(({ id }) => useAsync((signal) => load(id, signal), [id]), { initialProps: { id: "a" } });
    rerender({ id: "b" });
    await waitFor(() => expect(calls.map((c) => c.key)).toEqual(["a", "b"]));
    expect(calls[0].signal.aborted).toBe(true);
    await act(async () => calls[0].resolve("stale a"));
    expect(result.current).toMatchObject({ loading: true, data: undefined });
    await act(async () => calls[1].resolve("rows of b"));
    expect(result.current).toMatchObject({ loading: false, data: "rows of b" });
  });

  it("keeps the data while the next deps load, and reports that load as loading", async () => {
    const { calls, load } = manualLoads<string>();
    const { result, rerender } = renderHook(({ id }) => useAsync((signal) => load(id, signal), [id]), { initialProps: { id: "a" } });
    await act(async () => calls[0].resolve("rows of a"));
    rerender({ id: "b" });
    expect(result.current).toMatchObject({ loading: true, data: "rows of a" });
  });

  it("reports an error, and reload clears it and loads again", async () => {
    const { calls, load } = manualLoads<string>();
    const { result } = renderHook(() => useAsync((signal) => load("a", signal), []));
    const failure = new Error("503 unavailable");
    await act(async () => calls[0].reject(failure));
    expect(result.current).toMatchObject({ loading: false, error: failure });
    act(() => result.current.reload());
    expect(result.current).toMatchObject({ loading: true, error: null });
    await waitFor(() => expect(calls).toHaveLength(2));
    await act(async () => calls[1].resolve("rows of a"));
    expect(result.current).toMatchObject({ loading: false, error: null, data: "rows of a" });
  });
});
