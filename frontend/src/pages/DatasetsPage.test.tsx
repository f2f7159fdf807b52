import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import DatasetsPage from "./DatasetsPage";

const dataset = (id: string, filename: string) => ({
  id,
  filename,
  format: "csv",
  size_bytes: 2048,
  n_rows: 10,
  n_columns: 3,
  columns: [],
  lineage: null,
  created_at: "2026-01-01T00:00:00Z",
});

function page(items: unknown[]) {
  return new Response(JSON.stringify({ items, total: items.length, page: 1, page_size: 20 }), { status: 200 });
}

afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  return render(
    <MemoryRouter>
      <DatasetsPage />
    </MemoryRouter>,
  );
}

describe("DatasetsPage", () => {
  it("lists the history in the server's order and searches by name", async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url.includes("q=car") ? page([dataset("2", "cars.csv")]) : page([dataset("1", "new.csv"), dataset("2", "cars.csv")]),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    const list = await screen.findByRole("list", { name: "Uploaded datasets" });
    expect(Array.from(list.querySelectorAll(".dataset-name")).map((a) => a.textContent)).toEqual(["new.csv", "cars.csv"]);

    await userEvent.type(screen.getByRole("searchbox", { name: "Search by file name" }), "car");
    await waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith("/api/v1/datasets?q=car&page=1&page_size=20", expect.anything()));
    await waitFor(() => expect(screen.queryByText("new.csv")).toBeNull());
    expect(screen.getByText("cars.csv")).toBeTruthy();
  });

  it("says so when there are no uploads", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => page([])));
    renderPage();
    expect(await screen.findByText(/No uploads yet/)).toBeTruthy();
  });

  it("shows a load error in words with a way to retry", async () => {
    let datasetCalls = 0;
    const fetchMock = vi.fn(async (url: string) => {
      if (url.startsWith("/api/v1/projects")) return page([]);
      datasetCalls += 1;
      return datasetCalls === 1
        ? new Response(JSON.stringify({ status: 503, title: "Service Unavailable", detail: "The store is not answering." }), { status: 503 })
        : page([dataset("1", "back.csv")]);
    });
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    expect((await screen.findByRole("alert")).textContent).toContain("The store is not answering.");
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("back.csv")).toBeTruthy();
  });

  it("filters by the project in the URL, as a project's datasets link opens it", async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url.startsWith("/api/v1/projects")
        ? page([{ id: "p1", name: "Forecasts", created_at: "", counts: { datasets: 1, jobs: 0, models: 0 } }])
        : page([dataset("1", "in-project.csv")]),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(
      <MemoryRouter initialEntries={["/datasets?project=p1"]}>
        <DatasetsPage />
      </MemoryRouter>,
    );
    expect(await screen.findByText("in-project.csv")).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledWith("/api/v1/datasets?project_id=p1&page=1&page_size=20", expect.anything());
    await waitFor(() => expect((screen.getByLabelText("Project") as HTMLSelectElement).value).toBe("p1"));
    await userEvent.selectOptions(screen.getByLabelText("Project"), "default");
    await waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith("/api/v1/datasets?project_id=default&page=1&page_size=20", expect.anything()));
  });
});
