import { describe, expect, it } from "vitest";
import type { Column } from "../../api/types";
import { buildSpec, fieldName, fieldRef, toDateExpression } from "./chartBuilder";

const columns: Column[] = [
  { name: "Origin", type: "nominal", missing: 0 },
  { name: "Horsepower", type: "quantitative", missing: 6 },
  { name: "year", type: "temporal", missing: 0 },
  { name: "size", type: "ordinal", missing: 0 },
  { name: "a.b[0]", type: "quantitative", missing: 0 },
];

describe("buildSpec", () => {
  it("averages a number by category in a bar chart, sorted, and binds the dataset rows", () => {
    const spec = buildSpec("d1", columns, { mark: "bar", x: "Origin", y: "Horsepower" });
    expect(spec.encoding).toEqual({
      x: { field: "Origin", type: "nominal", sort: "-y" },
      y: { field: "Horsepower", type: "quantitative", aggregate: "mean", title: "mean Horsepower" },
    });
    expect(spec.data).toEqual({ url: "/api/v1/datasets/d1/rows?limit=100000", format: { type: "json", property: "items" } });
    expect(spec.transform).toBeUndefined();
  });

  it("makes a histogram of a number with no y", () => {
    const spec = buildSpec("d1", columns, { mark: "bar", x: "Horsepower" });
    expect(spec.encoding).toEqual({
      x: { field: "Horsepower", type: "quantitative", bin: true },
      y: { aggregate: "count", type: "quantitative", title: "number of records" },
    });
  });

  it("draws a measure over time as the mean per time value, parsing the time column as dates", () => {
    const spec = buildSpec("d1", columns, { mark: "line", x: "year", y: "Horsepower", color: "Origin" });
    expect(spec.encoding).toEqual({
      x: { field: "year", type: "temporal" },
      y: { field: "Horsepower", type: "quantitative", aggregate: "mean", title: "mean Horsepower" },
      color: { field: "Origin", type: "nominal" },
    });
    expect(spec.transform).toEqual([{ calculate: toDateExpression("year"), as: "year" }]);
  });

  it("keeps every point of a scatter and an ordered category unsorted", () => {
    expect(buildSpec("d1", columns, { mark: "point", x: "Horsepower", y: "a.b[0]" }).encoding).toEqual({
      x: { field: "Horsepower", type: "quantitative" },
      y: { field: "a\\.b\\[0\\]", type: "quantitative", title: "a.b[0]" },
    });
    expect((buildSpec("d1", columns, { mark: "bar", x: "size" }).encoding as { x: unknown }).x).toEqual({ field: "size", type: "ordinal" });
  });
});

describe("field references", () => {
  it("escapes the characters Vega-Lite reads as nested access, and back", () => {
    const name = "n<img src=x onerror=window.__xss=1>[a]\\b";
    expect(fieldRef(name)).toBe("n<img src=x onerror=window\\.__xss=1>\\[a\\]\\\\b");
    expect(fieldName(fieldRef(name))).toBe(name);
    expect(fieldRef("plain")).toBe("plain");
    expect(fieldRef("it's")).toBe("it\\'s");
    expect(fieldName(fieldRef("it's"))).toBe("it's");
  });

  it("quotes the column name inside the time expression", () => {
    expect(toDateExpression('we"ird')).toContain('datum["we\\"ird"]');
  });
});
