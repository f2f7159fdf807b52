import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import SharedReportPage from "./SharedReportPage";

const shared = { id: "r1", title: "Cars: a summary", dataset: { id: "d1", filename: "cars.csv" }, blocks: [] };
const EXPORT = "<!doctype html><html><body><h1>Cars: a summary</h1><svg class='hist'></svg></body></html>";

function renderAt(token: string) {
  render(
    <MemoryRouter initialEntries={[`/shared/reports/${token}`]}>
      <Routes>
        <Route path="/shared/reports/:token" element={<SharedReportPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("SharedReportPage", () => {
  it("shows the public export of the token in a sandboxed srcdoc frame", async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/export.html")
        ? new Response(EXPORT, { headers: { "Content-Type": "text/html" } })
        : new Response(JSON.stringify(shared), { headers: { "Content-Type": "application/json" } }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderAt("tok_abc");
    const frame = await screen.findByTitle("Cars: a summary");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("srcdoc")).toBe(EXPORT);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(["/api/v1/shared/reports/tok_abc", "/api/v1/shared/reports/tok_abc/export.html"]);
  });

  it("says a revoked or unknown link leads nowhere", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ status: 404, title: "Not Found" }), { status: 404, headers: { "Content-Type": "application/problem+json" } })),
    );
    renderAt("gone");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^This link does not lead to a report: it was revoked/);
    expect(screen.queryByTestId("report-frame")).toBeNull();
  });
});
