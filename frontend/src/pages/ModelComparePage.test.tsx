import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import ModelComparePage from "./ModelComparePage";

// uPlot needs a canvas and matchMedia, which jsdom lacks; the curves' data is tested in compareTable.test.ts.
vi.mock("../features/models/HistoryChart", () => ({
  HistoryChart: ({ sources }: { sources: { label: string }[] }) => <div data-testid="curves">{sources.map((s) => s.label).join(",")}</div>,
}));

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/models/compare" element={<ModelComparePage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("ModelComparePage", () => {
  it("shows params and metrics side by side with the differing rows marked", async () => {
    const fetchMock = vi.fn(async (_url: string) =>
      json({
        kind: "timegan",
        models: [
          { id: "a", version: "timegan_x_1", status: "production", params: { hidden: 4, seq_len: 8 }, metrics: { loss: 0.5 }, history: {} },
          { id: "b", version: "timegan_x_2", status: "candidate", params: { hidden: 8, seq_len: 8 }, metrics: { loss: 0.5 }, history: {} },
        ],
      }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderAt("/models/compare?ids=a,b");
    const params = await screen.findByRole("table", { name: "Params side by side" });
    expect(fetchMock.mock.calls[0][0]).toBe("/api/v1/models/compare?ids=a%2Cb");
    const differing = Array.from(params.querySelectorAll("tr.differs th")).map((th) => th.textContent);
    expect(differing).toEqual(["hidden (differs)"]);
    expect(screen.getByRole("table", { name: "Metrics side by side" }).querySelectorAll("tr.differs")).toHaveLength(0);
    expect(screen.getByRole("heading", { name: "Compare 2 timegan models" })).toBeTruthy();
    expect(screen.getByTestId("curves").textContent).toBe("timegan_x_1,timegan_x_2");
  });

  it("shows the server's 422 for models of different kinds", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json({ status: 422, title: "Unprocessable", detail: "Models of different kinds cannot be compared." }, 422)));
    renderAt("/models/compare?ids=a,c");
    expect((await screen.findByRole("alert")).textContent).toContain("different kinds");
  });
});
