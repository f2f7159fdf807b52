import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import type { Job } from "../../api/types";
import type { LiveJob } from "../jobs/useJob";
import { ImputationRun } from "./ImputationRun";

// uPlot needs a canvas and matchMedia, which jsdom lacks; the charts are not what this tests.
vi.mock("../jobs/MetricsChart", () => ({ MetricsChart: () => <div /> }));
vi.mock("../series/ImputedSeriesChart", () => ({ ImputedSeriesChart: () => <div /> }));

function finished(result: Record<string, unknown>): LiveJob {
  const job = {
    id: "j1",
    kind: "imputation",
    status: "succeeded",
    created_at: "2026-01-01T00:00:00Z",
    metrics: [],
    result: { dataset_id: "d2", method: "auto", filled_cells: 28, notes: [], ...result },
  } as unknown as Job;
  return { job, error: null, liveUpdates: 0, follow: vi.fn(), setJob: vi.fn() };
}

describe("ImputationRun", () => {
  it("tells what the data's preparation noticed, such as trading days", () => {
    const note = "Rows are trading days (weekdays only): models step one row at a time; time-weighted methods use the calendar distances.";
    render(
      <MemoryRouter>
        <ImputationRun jobState={finished({ notes: [note, "3 row(s) with a repeated time were averaged."] })} />
      </MemoryRouter>,
    );
    const notes = within(screen.getByRole("list", { name: "About the data" })).getAllByRole("listitem");
    expect(notes.map((item) => item.textContent)).toEqual([note, "3 row(s) with a repeated time were averaged."]);
    expect(screen.getByText("28 cells filled.").tagName).toBe("P");
  });

  it("shows no list where there was nothing to say", () => {
    render(
      <MemoryRouter>
        <ImputationRun jobState={finished({})} />
      </MemoryRouter>,
    );
    expect(screen.queryByRole("list", { name: "About the data" })).toBeNull();
  });
});
