import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import JobsPage from "./JobsPage";

const job = (id: string, status: string) => ({
  id,
  kind: "imputation",
  status,
  params: {},
  dataset_id: "d1",
  progress: {},
  metrics: [],
  result: {},
  error: null,
  checkpoint: null,
  runs: 1,
  created_at: "2026-01-01T00:00:00Z",
});

function page(items: unknown[]) {
  return new Response(JSON.stringify({ items, total: items.length, page: 1, page_size: 50 }), { status: 200 });
}

afterEach(() => vi.unstubAllGlobals());

describe("JobsPage", () => {
  it("deletes a finished job after confirming, and offers no delete for a running one", async () => {
    let items = [job("done1", "succeeded"), job("run1", "running")];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "DELETE") {
        items = items.filter((j) => !url.endsWith(`/jobs/${j.id}`));
        return new Response(null, { status: 204 });
      }
      return page(items);
    });
    vi.stubGlobal("fetch", fetchMock);
    vi.stubGlobal("confirm", vi.fn(() => true));
    render(
      <MemoryRouter>
        <JobsPage />
      </MemoryRouter>,
    );
    const button = await screen.findByRole("button", { name: "Delete imputation job done1" });
    expect(screen.queryByRole("button", { name: "Delete imputation job run1" })).toBeNull();
    await userEvent.click(button);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Delete imputation job done1" })).toBeNull());
    const deletes = fetchMock.mock.calls.filter(([, init]) => init?.method === "DELETE");
    expect(deletes.map(([url]) => url)).toEqual(["/api/v1/jobs/done1"]);
  });

  it("keeps the job when the confirmation is declined", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => page([job("done1", "failed")]));
    vi.stubGlobal("fetch", fetchMock);
    vi.stubGlobal("confirm", vi.fn(() => false));
    render(
      <MemoryRouter>
        <JobsPage />
      </MemoryRouter>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "Delete imputation job done1" }));
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);
  });
});
