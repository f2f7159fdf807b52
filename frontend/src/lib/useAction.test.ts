import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useAction } from "./useAction";

/** A promise the test settles by hand, to look at the hook while the action is in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("useAction", () => {
  it("is busy while the action runs and resolves with its value", async () => {
    const { result } = renderHook(() => useAction());
    expect(result.current.busy).toBe(false);
    const step = deferred<number>();
    let outcome: Promise<number | undefined> | undefined;
    act(() => {
      outcome = result.current.run(() => step.promise);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => step.resolve(7));
    await expect(outcome).resolves.toBe(7);
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it("keeps what the action threw, resolves with undefined, and clears the error on the next run", async () => {
    const { result } = renderHook(() => useAction());
    const failure = new Error("409 conflict");
    let outcome: unknown = "not run";
    await act(async () => {
      outcome = await result.current.run(() => Promise.reject(failure));
    });
    expect(outcome).toBeUndefined();
    expect(result.current.error).toBe(failure);
    expect(result.current.busy).toBe(false);

    const step = deferred<string>();
    act(() => {
      void result.current.run(() => step.promise);
    });
    expect(result.current.error).toBeNull();
    await act(async () => step.resolve("ok"));
    expect(result.current.error).toBeNull();
  });

  it("stays busy until the last of overlapping runs settles", async () => {
    const { result } = renderHook(() => useAction());
    const first = deferred<void>();
    const second = deferred<void>();
    act(() => {
      void result.current.run(() => first.promise);
      void result.current.run(() => second.promise);
    });
    await act(async () => first.resolve());
    expect(result.current.busy).toBe(true);
    await act(async () => second.reject(new Error("late failure")));
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toEqual(new Error("late failure"));
  });

  it("keeps the same run function across renders", () => {
    const { result, rerender } = renderHook(() => useAction());
    const first = result.current.run;
    rerender();
    expect(result.current.run).toBe(first);
  });
});
