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
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(new Response(JSON.stringify({ status: 503, title: "Service Unavailable", detail: "The store is not answering." }), { status: 503 }))
      .mockResolvedValueOnce(page([dataset("1", "back.csv")]));
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    expect((await screen.findByRole("alert")).textContent).toContain("The store is not answering.");
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("back.csv")).toBeTruthy();
  });
});
