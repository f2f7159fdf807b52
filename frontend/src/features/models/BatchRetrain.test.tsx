import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../api/types";
import { BatchOutcome } from "./BatchRetrain";

describe("BatchOutcome", () => {
  it("shows each item's job, its new model, or why it did not start", () => {
    const datasets = [
      { id: "d1", filename: "first.csv" },
      { id: "d2", filename: "second.csv" },
    ] as Dataset[];
    render(
      <MemoryRouter>
        <BatchOutcome
          kind="brits"
          datasets={datasets}
          batch={{
            id: "b1",
            items: [
              { model_id: "m1", dataset_id: "d1", job_id: "job12345678", job_status: "succeeded", result_model_id: "m2", error: null },
              { model_id: "m1", dataset_id: "d2", job_id: null, error: { status: 429, title: "Too Many Requests", detail: "At most 4 jobs at once." } },
            ],
          }}
        />
      </MemoryRouter>,
    );
    const [started, refused] = screen.getAllByRole("listitem");
    expect(started.textContent).toContain("first.csv");
    expect(screen.getByRole("link", { name: "job job12345" }).getAttribute("href")).toBe("/datasets/d1/impute?job=job12345678");
    expect(screen.getByRole("link", { name: "new model" }).getAttribute("href")).toBe("/models/m2");
    expect(refused.textContent).toBe("second.csv: not started: At most 4 jobs at once.");
  });
});
