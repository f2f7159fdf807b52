import { describe, expect, it } from "vitest";
import type { ImputationLive } from "../api/types";
import { applyLive, columnSeries, findRuns, indexToX, metricSeries, minMaxDownsampleIndexes } from "./series";

const live = (values: (number | null)[], imputed: boolean[], index: (string | number)[] = values.map((_, i) => i)): ImputationLive => ({
  time_column: null,
  index,
  columns: { y: { values, imputed } },
});

describe("indexToX", () => {
  it("maps ISO times to seconds and numbers to themselves", () => {
    expect(Array.from(indexToX(["2020-01-01T00:00:00Z", "2020-01-01T01:00:00Z"]).x)).toEqual([1577836800, 1577840400]);
    expect(indexToX([5, 6, 7])).toEqual({ x: new Float64Array([5, 6, 7]), isTime: false });
  });

  it("falls back to positions when an entry is neither", () => {
    expect(indexToX(["2020-01-01", "not a date"])).toEqual({ x: new Float64Array([0, 1]), isTime: false });
  });
});

describe("columnSeries", () => {
  it("splits observed and imputed values and joins the filled stretch to its neighbours", () => {
    const s = columnSeries(live([1, 2, 3.5, 4.5, 5, 6], [false, false, true, true, false, false]), "y");
    expect(s.observed).toEqual([1, 2, null, null, 5, 6]);
    expect(s.filled).toEqual([null, 2, 3.5, 4.5, 5, null]);
    expect(s.gaps).toEqual([[2, 3]]);
  });

  it("finds gaps at the edges", () => {
    expect(findRuns([true, false, false, true, true])).toEqual([
      [0, 0],
      [3, 4],
    ]);
    expect(findRuns([])).toEqual([]);
  });
});

describe("applyLive", () => {
  it("rewrites the arrays in place when the index is unchanged", () => {
    const first = applyLive(null, live([1, null, 3], [false, true, false]), "y");
    expect(first.reused).toBe(false);
    const second = applyLive(first.series, live([1, 2.2, 3], [false, true, false]), "y");
    expect(second.reused).toBe(true);
    expect(second.series).toBe(first.series);
    expect(second.series.filled).toEqual([1, 2.2, 3]);
  });

  it("rebuilds when the index changes (a new run with another length)", () => {
    const first = applyLive(null, live([1, 2], [false, false]), "y");
    const second = applyLive(first.series, live([1, 2, 3], [false, false, true]), "y");
    expect(second.reused).toBe(false);
    expect(second.series.gaps).toEqual([[2, 2]]);
  });
});

describe("minMaxDownsampleIndexes", () => {
  it("keeps every bucket's extremes and its gap, in order", () => {
    const values: (number | null)[] = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
    values[500] = 50; // a spike
    values[701] = null; // a gap
    const kept = minMaxDownsampleIndexes(values, 50);
    expect(kept.length).toBeLessThanOrEqual(150);
    expect(kept).toContain(500);
    expect(kept).toContain(701);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it("returns everything when the series is already small", () => {
    expect(minMaxDownsampleIndexes([1, 2, 3], 10)).toEqual([0, 1, 2]);
  });
});

describe("metricSeries", () => {
  it("collects every numeric metric and leaves missing points null", () => {
    const s = metricSeries([
      { step: 1, phase: "embedding", e_loss: 0.9 },
      { step: 1, phase: "joint", g_loss: 2, d_loss: 1 },
    ]);
    expect(s.names).toEqual(["e_loss", "g_loss", "d_loss"]);
    expect(s.values).toEqual([
      [0.9, null],
      [null, 2],
      [null, 1],
    ]);
    expect(s.x).toEqual([1, 2]);
  });
});
