import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Dataset } from "../../api/types";
import { ImputationForm } from "./ImputationForm";

const dataset = {
  id: "d1",
  filename: "load.csv",
  format: "csv",
  size_bytes: 100,
  n_rows: 240,
  n_columns: 3,
  created_at: "2026-01-01T00:00:00Z",
  columns: [
    { name: "time", type: "temporal", missing: 0 },
    { name: "load", type: "quantitative", missing: 12 },
    { name: "temp", type: "quantitative", missing: 0 },
  ],
} as Dataset;

const job = { id: "j1", kind: "imputation", status: "queued", created_at: "2026-01-01T00:00:00Z" };

/** fetch answering POST /imputations with `response`; returns the mock to read the request bodies from. */
function stubStart(response: Response) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => response);
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}
const sentBody = (fetchMock: ReturnType<typeof stubStart>) => JSON.parse(String(fetchMock.mock.calls[0][1]?.body));

afterEach(() => vi.unstubAllGlobals());

describe("ImputationForm", () => {
  it("starts BRITS on the columns with gaps, with the time column and the training settings", async () => {
    const fetchMock = stubStart(new Response(JSON.stringify(job), { status: 202 }));
    const onStarted = vi.fn();
    render(<ImputationForm dataset={dataset} disabled={false} onStarted={onStarted} />);
    await userEvent.clear(screen.getByLabelText("Epochs"));
    await userEvent.type(screen.getByLabelText("Epochs"), "5");
    await userEvent.click(screen.getByRole("button", { name: "Start" }));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(job));
    expect(fetchMock.mock.calls[0][0]).toBe("/api/v1/datasets/d1/imputations");
    expect(sentBody(fetchMock)).toEqual({
      method: "brits",
      columns: ["load"],
      time_column: "time",
      epochs: 5,
      window_size: 36,
      hidden_size: 32,
      batch_size: 32,
      learning_rate: 0.005,
    });
  });

  it("sends auto's time budget and no training settings", async () => {
    const fetchMock = stubStart(new Response(JSON.stringify(job), { status: 202 }));
    render(<ImputationForm dataset={dataset} disabled={false} onStarted={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText("Method"), "auto");
    expect(screen.queryByLabelText("Epochs")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(sentBody(fetchMock)).toEqual({ method: "auto", columns: ["load"], time_column: "time", time_budget_s: 60 });
  });

  it("shows the server's refusal and lets the user try again", async () => {
    stubStart(
      new Response(JSON.stringify({ status: 429, title: "Too Many Requests", detail: "You have 4 jobs running." }), {
        status: 429,
        headers: { "Content-Type": "application/problem+json" },
      }),
    );
    const onStarted = vi.fn();
    render(<ImputationForm dataset={dataset} disabled={false} onStarted={onStarted} />);
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    expect((await screen.findByRole("alert")).textContent).toContain("You have 4 jobs running.");
    expect(onStarted).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Start" })).toHaveProperty("disabled", false);
  });
});
