import { describe, expect, it } from "vitest";
import type { Column } from "../../api/types";
import { buildSpec } from "./chartBuilder";

const columns: Column[] = [
  { name: "Origin", type: "nominal", missing: 0 },
  { name: "Horsepower", type: "quantitative", missing: 6 },
];

describe("buildSpec", () => {
  it("averages a number by category in a bar chart and binds the dataset rows", () => {
    const spec = buildSpec("d1", columns, { mark: "bar", x: "Origin", y: "Horsepower" });
    expect(spec.encoding).toEqual({
      x: { field: "Origin", type: "nominal" },
      y: { field: "Horsepower", type: "quantitative", aggregate: "mean" },
    });
    expect(spec.data).toEqual({ url: "/api/v1/datasets/d1/rows?limit=100000", format: { type: "json", property: "items" } });
  });

  it("makes a histogram of a number with no y", () => {
    const spec = buildSpec("d1", columns, { mark: "bar", x: "Horsepower" });
    expect(spec.encoding).toEqual({
      x: { field: "Horsepower", type: "quantitative", bin: true },
      y: { aggregate: "count", type: "quantitative" },
    });
  });
});
