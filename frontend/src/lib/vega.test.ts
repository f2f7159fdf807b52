import { afterEach, describe, expect, it, vi } from "vitest";
import { bindDatasetRows, parseRowsUrl } from "./vega";

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
