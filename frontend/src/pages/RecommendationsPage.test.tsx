import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import RecommendationsPage from "./RecommendationsPage";

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=1</script>";
const A = `n${IMG}`;
const B = SCRIPT;

const dataset = {
  id: "dx",
  filename: `${IMG}.csv`,
  format: "csv",
  size_bytes: 100,
  n_rows: 4,
  n_columns: 3,
  columns: [
    { name: A, type: "quantitative", missing: 0 },
    { name: B, type: "quantitative", missing: 0 },
    { name: "k", type: "nominal", missing: 0 },
  ],
  lineage: null,
  created_at: "2026-01-01T00:00:00Z",
};
const data = { url: "/api/v1/datasets/dx/rows?limit=100000", format: { type: "json", property: "items" } };
const esc = (name: string) => name.replace(/\./g, "\\.");
const rec = (explanation: string, intent: string, spec: Record<string, unknown>) => ({ explanation, intent, score: 0.5, source: "rules", spec: { data, ...spec } });
const items = [
  rec(`mean ${A} by k`, "comparison", {
    mark: "bar",
    encoding: { x: { field: "k", type: "nominal" }, y: { field: esc(A), aggregate: "mean", type: "quantitative" } },
  }),
  rec(`${A} and ${B} rise together: r = 0.9`, "relationship", {
    mark: { type: "point", filled: true },
    encoding: { x: { field: esc(A), type: "quantitative" }, y: { field: esc(B), type: "quantitative" } },
  }),
  rec(`${B}: median 2`, "distribution", {
    mark: "bar",
    encoding: { x: { field: esc(B), bin: true, type: "quantitative" }, y: { aggregate: "count", type: "quantitative" } },
  }),
  rec(`${A}, ${B} side by side`, "trend", {
    transform: [{ fold: [esc(A), esc(B)], as: ["series", "value"] }],
    mark: { type: "line", point: true },
    encoding: { x: { field: "k", type: "ordinal" }, y: { field: "value", type: "quantitative" }, color: { field: "series", type: "nominal" } },
  }),
];
const rows = [
  { [A]: 1, [B]: 2, k: "a" },
  { [A]: 3, [B]: 1, k: "b" },
  { [A]: 5, [B]: 7, k: "a" },
];

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

describe("RecommendationsPage", () => {
  it("groups cards by intent in order, titles each by its explanation, and shows markup from the data as text", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        if (url.endsWith("/recommendations")) return json({ items, model_version: "test", created_at: "t1" });
        if (url.includes("/rows")) return json({ items: rows, total: rows.length, offset: 0, limit: 100000 });
        return json(dataset);
      }),
    );
    render(
      <MemoryRouter initialEntries={["/datasets/dx/charts"]}>
        <Routes>
          <Route path="/datasets/:datasetId/charts" element={<RecommendationsPage />} />
        </Routes>
      </MemoryRouter>,
    );

    expect(await screen.findByRole("link", { name: `${IMG}.csv` })).toBeTruthy();
    const groups = await screen.findAllByTestId("recommendation-group");
    expect(groups.map((g) => g.dataset.intent)).toEqual(["trend", "relationship", "distribution", "comparison"]);
    expect(within(groups[0]).getByRole("heading", { level: 3 }).textContent).toMatch(/^Trends/);
    const cards = screen.getAllByTestId("recommendation-card");
    expect(cards.map((c) => Number(c.dataset.rank))).toEqual([4, 2, 3, 1]);
    for (const card of cards) {
      const item = items[Number(card.dataset.rank) - 1];
      expect(within(card).getByRole("heading", { level: 4 }).textContent).toBe(item.explanation);
      expect(card.getAttribute("aria-labelledby")).toBe(within(card).getByRole("heading", { level: 4 }).id);
      expect(within(card).getByRole("button", { name: "Save" }).getAttribute("aria-describedby")).toBeTruthy();
    }
    // The builder starts from the top recommendation (rank 1), whatever its group.
    expect((await screen.findByTestId("builder-start")).textContent).toContain(`mean ${A} by k`);
    expect((screen.getByLabelText("X") as HTMLSelectElement).value).toBe("k");
    expect((screen.getByLabelText("Y") as HTMLSelectElement).value).toBe(A);

    // Nothing from the data became an element, nothing ran.
    await waitFor(() => expect(document.querySelectorAll(".vega-target[data-state='loading']").length).toBe(0), { timeout: 15_000 });
    expect(Array.from(document.querySelectorAll(".vega-target")).map((t) => t.getAttribute("data-state"))).toEqual(Array(5).fill("ready"));
    expect(document.querySelectorAll(".vega-target svg").length).toBe(5);
    expect(document.body.querySelector("img, script")).toBeNull();
    expect(document.body.textContent).toContain(SCRIPT);
    expect((window as { __xss?: unknown }).__xss).toBeUndefined();
  }, 30_000);
});
