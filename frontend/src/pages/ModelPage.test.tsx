import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import ModelPage from "./ModelPage";

// uPlot needs a canvas and matchMedia, which jsdom lacks; the curves' data is tested in compareTable.test.ts.
vi.mock("../features/models/HistoryChart", () => ({
  HistoryChart: ({ sources }: { sources: { history: Record<string, unknown[]> }[] }) => (
    <div data-testid="curves">{Object.keys(sources[0].history ?? {}).join(",")}</div>
  ),
}));

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
const brits = {
  id: "m2",
  kind: "brits",
  version: "brits_abc_2",
  created_at: "2026-01-01T00:00:00Z",
  status: "candidate",
  project_id: "p1",
  dataset_id: "d1",
  job_id: "j1",
  params: { hidden_size: 8, columns: ["load"] },
  metrics: { val_mae: 0.12 },
  data: { dataset_id: "d1", train: { rows: 192, windows: 8 }, validation: { rows: 48 }, test: null },
  history: { loss: [3, 2, 1] },
  artifact_files: [{ name: "weights", size: 2048, sha256: "ab".repeat(32) }],
  lineage: { retrained_from: "m1", produced: [{ type: "dataset", id: "d9" }] },
  evaluations: [],
};

function renderPage() {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      if (url.startsWith("/api/v1/projects")) return json({ items: [{ id: "p1", name: "Forecasts" }], total: 1, page: 1, page_size: 100 });
      if (url.startsWith("/api/v1/datasets")) return json({ items: [{ id: "d1", filename: "load.csv" }], total: 1, page: 1, page_size: 100 });
      return json(brits);
    }),
  );
  render(
    <MemoryRouter initialEntries={["/models/m2"]}>
      <Routes>
        <Route path="/models/:modelId" element={<ModelPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("ModelPage", () => {
  it("shows the record: project, data per split, history, files with sha256, lineage; an imputer offers Fill", async () => {
    renderPage();
    expect(await screen.findByRole("heading", { name: "brits_abc_2", level: 1 })).toBeTruthy();
    expect(await screen.findByText(/Forecasts/)).toBeTruthy();
    expect(within(screen.getByRole("table", { name: "train data" })).getByText("192")).toBeTruthy();
    expect(screen.getByText("not recorded")).toBeTruthy(); // the test split
    expect(screen.getByTestId("curves").textContent).toBe("loss");
    expect(screen.getByTestId("artifact-sha-weights").textContent).toBe("ab".repeat(32));
    expect(screen.getByTestId("artifact-size-weights").getAttribute("title")).toBe("2048 bytes");
    expect(screen.getByRole("link", { name: "the previous version" }).getAttribute("href")).toBe("/models/m1");
    expect(screen.getByRole("link", { name: "a dataset" }).getAttribute("href")).toBe("/datasets/d9");
    expect(screen.getByRole("link", { name: "training run" }).getAttribute("href")).toBe("/datasets/d1/impute?job=j1");
    expect(screen.getByRole("form", { name: "Fill a dataset" })).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Generate samples" })).toBeNull();
  });
});
