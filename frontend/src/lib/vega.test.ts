import { afterEach, describe, expect, it, vi } from "vitest";
import { bindDatasetRows, fitToContainer, horizontalCategoryLabels, isSingleView, parseRowsUrl, withReadableConfig } from "./vega";

afterEach(() => vi.unstubAllGlobals());

describe("dataset-bound specs", () => {
  it("reads the dataset id and row limit from the rows URL", () => {
    expect(parseRowsUrl("/api/v1/datasets/abc/rows?limit=500")).toEqual({ datasetId: "abc", limit: 500 });
    expect(parseRowsUrl("/api/v1/datasets/abc/rows")).toEqual({ datasetId: "abc", limit: 100000 });
    expect(parseRowsUrl("https://example.com/cars.json")).toBeNull();
  });

  it("inlines the rows (fetched once, with the token) in top-level and layered data", async () => {
    const rows = [{ a: 1 }, { a: 2 }];
    const fetchMock = vi.fn().mockImplementation(async () => new Response(JSON.stringify({ items: rows, total: 2, offset: 0, limit: 7 })));
    vi.stubGlobal("fetch", fetchMock);
    const spec = {
      data: { url: "/api/v1/datasets/d-inline/rows?limit=7", format: { type: "json", property: "items" } },
      layer: [{ mark: "bar", data: { url: "/api/v1/datasets/d-inline/rows?limit=7" } }, { mark: "rule", data: { values: [{ a: 0 }] } }],
    };
    const bound = await bindDatasetRows(spec);
    expect(bound.data).toEqual({ values: rows });
    expect((bound.layer as { data: unknown }[])[0].data).toEqual({ values: rows });
    expect((bound.layer as { data: unknown }[])[1].data).toEqual({ values: [{ a: 0 }] });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0]).toBe("/api/v1/datasets/d-inline/rows?offset=0&limit=7");
    expect(spec.data.url).toBe("/api/v1/datasets/d-inline/rows?limit=7"); // the original is untouched (JSON export)
  });
});

describe("sizing and readability", () => {
  it("fills the container's width with single views only", () => {
    expect(fitToContainer({ mark: "bar" })).toMatchObject({ width: "container", autosize: { type: "fit-x", contains: "padding" } });
    expect(fitToContainer({ layer: [] })).toMatchObject({ width: "container" });
    for (const spec of [{ hconcat: [] }, { facet: {}, spec: {} }, { mark: "bar", encoding: { column: { field: "a" } } }]) {
      expect(isSingleView(spec)).toBe(false);
      expect(fitToContainer(spec)).toBe(spec);
    }
  });

  it("adds readable text sizes under the spec's own config", () => {
    const spec = withReadableConfig({ mark: "bar", config: { axis: { labelFontSize: 9 }, mark: { color: "red" } } });
    expect(spec.config).toMatchObject({
      axis: { labelFontSize: 9, titleFontSize: 12 },
      legend: { labelFontSize: 11 },
      view: { discreteHeight: { step: 28 } },
      mark: { color: "red" },
    });
  });

  it("writes a few short category labels horizontally, leaves many or long ones turned", () => {
    const rows = (labels: string[]) => labels.map((k) => ({ "a.b": k, v: 1 }));
    const spec = (labels: string[], axis?: unknown) => ({
      data: { values: rows(labels) },
      mark: "bar",
      encoding: { x: { field: "a\\.b", type: "nominal", ...(axis !== undefined ? { axis } : {}) }, y: { field: "v", type: "quantitative" } },
    });
    const angle = (s: Record<string, unknown>) => ((s.encoding as { x: { axis?: { labelAngle?: number } } }).x.axis ?? {}).labelAngle;
    expect(angle(horizontalCategoryLabels(spec(["Male", "Female"]), 500))).toBe(0);
    expect(angle(horizontalCategoryLabels(spec(["Male", "Female"], { title: "t" }), 500))).toBe(0);
    const long = Array.from({ length: 12 }, (_, i) => `a rather long category name ${i}`);
    expect(angle(horizontalCategoryLabels(spec(long), 500))).toBeUndefined();
    expect(angle(horizontalCategoryLabels(spec(["Male", "Female"], { labelAngle: -45 }), 500))).toBe(-45);
    expect(horizontalCategoryLabels(spec(["Male", "Female"], null), 500).encoding).toEqual(spec(["Male", "Female"], null).encoding);
    expect(angle(horizontalCategoryLabels(spec(["Male", "Female"]), 0))).toBeUndefined(); // not laid out yet
  });
});
