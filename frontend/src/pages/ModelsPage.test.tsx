import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import ModelsPage from "./ModelsPage";

const model = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind,
  version: `${kind}_abc_${id}`,
  created_at: "2026-01-01T00:00:00Z",
  params: {},
  metrics: { loss: 0.5 },
  status: "candidate",
  project_id: null,
  ...extra,
});
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

/** The fake API: models (echoing the total it is given), two projects, one dataset. */
function fakeApi(items: unknown[], total = items.length) {
  return vi.fn(async (url: string) => {
    if (url.startsWith("/api/v1/projects")) return json([{ id: "p1", name: "Forecasts", created_at: "", counts: { datasets: 0, jobs: 0, models: 0 } }]);
    if (url.startsWith("/api/v1/datasets")) return json({ items: [{ id: "d1", filename: "load.csv" }], total: 1, page: 1, page_size: 100 });
    return json({ items, total, page: 1, page_size: 20 });
  });
}

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/models" element={<ModelsPage />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

const modelCalls = (fetchMock: ReturnType<typeof fakeApi>) =>
  fetchMock.mock.calls.map(([url]) => url as string).filter((url) => url.startsWith("/api/v1/models"));

afterEach(() => vi.unstubAllGlobals());

describe("ModelsPage", () => {
  it("reads its filters from the URL, asks the API for them, and writes changes back (page back to 1)", async () => {
    const fetchMock = fakeApi([model("1", "timegan")], 45);
    vi.stubGlobal("fetch", fetchMock);
    renderAt("/models?kind=timegan&status=production&page=2");
    await screen.findByRole("table", { name: "Trained models" });
    expect(modelCalls(fetchMock)[0]).toBe("/api/v1/models?kind=timegan&status=production&sort=-created_at&page=2&page_size=20");
    expect((screen.getByLabelText("Kind") as HTMLSelectElement).value).toBe("timegan");
    expect(screen.getByText("Page 2 of 3")).toBeTruthy();

    await userEvent.selectOptions(await screen.findByLabelText("Project"), "p1");
    expect(screen.getByTestId("where").textContent).toBe("/models?kind=timegan&project=p1&status=production");
    await waitFor(() => expect(modelCalls(fetchMock).at(-1)).toBe("/api/v1/models?kind=timegan&project_id=p1&status=production&sort=-created_at&page=1&page_size=20"));

    await userEvent.selectOptions(screen.getByLabelText("Sort"), "version");
    await userEvent.click(await screen.findByRole("button", { name: "Next" }));
    expect(screen.getByTestId("where").textContent).toBe("/models?kind=timegan&project=p1&status=production&sort=version&page=2");
    await waitFor(() => expect(modelCalls(fetchMock).at(-1)).toContain("sort=version&page=2"));
  });

  it("lets 2-5 models of one kind be picked, then links Compare with their ids", async () => {
    vi.stubGlobal("fetch", fakeApi([model("a", "timegan"), model("b", "timegan"), model("c", "brits")]));
    renderAt("/models");
    const first = await screen.findByRole("checkbox", { name: "Compare timegan_abc_a" });
    expect(screen.getByRole("button", { name: "Compare" })).toHaveProperty("disabled", true);
    await userEvent.click(first);
    // A BRITS model cannot join TimeGAN picks.
    expect(screen.getByRole("checkbox", { name: "Compare brits_abc_c" })).toHaveProperty("disabled", true);
    await userEvent.click(screen.getByRole("checkbox", { name: "Compare timegan_abc_b" }));
    expect(screen.getByRole("link", { name: "Compare" }).getAttribute("href")).toBe("/models/compare?ids=a,b");
    await userEvent.click(screen.getByRole("button", { name: "Clear picks" }));
    expect(screen.getByRole("checkbox", { name: "Compare brits_abc_c" })).toHaveProperty("disabled", false);
  });

  it("says when no model matches the filters", async () => {
    vi.stubGlobal("fetch", fakeApi([]));
    renderAt("/models?status=archived");
    expect(await screen.findByText("No models match these filters.")).toBeTruthy();
  });
});
