import { describe, expect, it } from "vitest";
import type { Column, ColumnType } from "../../api/types";
import { choiceFromSpec, distinctCounts, startingChoice } from "./startingChart";

const col = (name: string, type: ColumnType): Column => ({ name, type, missing: 0 });

const macro = [col("year", "temporal"), col("quarter", "ordinal"), col("gdp", "quantitative"), col("consumption", "quantitative")];
const tips = [
  col("total_bill", "quantitative"),
  col("tip", "quantitative"),
  col("sex", "nominal"),
  col("day", "nominal"),
  col("size", "ordinal"),
];

describe("startingChoice", () => {
  it("draws the first measure over time when there is a time column", () => {
    expect(startingChoice(macro)).toEqual({ mark: "line", x: "year", y: "gdp" });
  });

  it("colors the lines by a category with a few values, when the rows are known", () => {
    const columns = [col("firm", "nominal"), col("year", "temporal"), col("sales", "quantitative")];
    const rows = ["a", "b", "c"].flatMap((firm) => [2000, 2001].map((year) => ({ firm, year, sales: 1 })));
    expect(startingChoice(columns, rows)).toEqual({ mark: "line", x: "year", y: "sales", color: "firm" });
    const manyFirms = Array.from({ length: 30 }, (_, i) => ({ firm: `f${i}`, year: 2000, sales: i }));
    expect(startingChoice(columns, manyFirms)).toEqual({ mark: "line", x: "year", y: "sales" });
  });

  it("scatters the first two numbers when there is no time", () => {
    expect(startingChoice(tips)).toEqual({ mark: "point", x: "total_bill", y: "tip" });
  });

  it("makes a histogram of the only number", () => {
    expect(startingChoice([col("name", "nominal"), col("price", "quantitative")])).toEqual({ mark: "bar", x: "price" });
  });

  it("counts the first category with few values", () => {
    const columns = [col("id", "nominal"), col("color", "nominal")];
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `row ${i}`, color: ["red", "blue"][i % 2] }));
    expect(startingChoice(columns, rows)).toEqual({ mark: "bar", x: "color" });
    expect(startingChoice(columns)).toEqual({ mark: "bar", x: "id" }); // rows not known yet: the first category
  });

  it("falls back to counts over time, then to the first column", () => {
    expect(startingChoice([col("when", "temporal")])).toEqual({ mark: "bar", x: "when" });
    expect(startingChoice([])).toEqual({ mark: "bar", x: "" });
  });

  it("counts distinct non-missing values", () => {
    expect(distinctCounts([col("a", "nominal")], [{ a: 1 }, { a: 1 }, { a: null }, { a: "" }, { a: 2 }])).toEqual(new Map([["a", 2]]));
  });
});

describe("choiceFromSpec", () => {
  it("reads a folded trend as its first measure over time", () => {
    const spec = {
      transform: [
        { calculate: 'datetime(datum["year"], (datum["quarter"] - 1) * 3, 1)', as: "year" },
        { fold: ["gdp", "consumption"], as: ["series", "value"] },
      ],
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "year", type: "temporal", timeUnit: "yearquarter" },
        y: { field: "value", type: "quantitative" },
        color: { field: "series", type: "nominal" },
      },
    };
    expect(choiceFromSpec(spec, macro)).toEqual({ mark: "line", x: "year", y: "gdp" });
  });

  it("reads a colored scatter, a horizontal count bar, a boxplot, a heatmap and a pie", () => {
    const scatter = {
      mark: { type: "point", filled: true },
      encoding: { x: { field: "total_bill" }, y: { field: "tip" }, color: { field: "size" } },
    };
    expect(choiceFromSpec(scatter, tips)).toEqual({ mark: "point", x: "total_bill", y: "tip", color: "size" });
    const horizontal = { mark: "bar", encoding: { x: { aggregate: "count", type: "quantitative" }, y: { field: "quarter", type: "ordinal" } } };
    expect(choiceFromSpec(horizontal, macro)).toEqual({ mark: "bar", x: "quarter" });
    expect(choiceFromSpec({ mark: "boxplot", encoding: { x: { field: "size" }, y: { field: "tip" } } }, tips)).toEqual({
      mark: "tick",
      x: "size",
      y: "tip",
    });
    const heatmap = {
      mark: "rect",
      encoding: { x: { field: "total_bill", bin: true }, y: { field: "tip", bin: true }, color: { aggregate: "count" } },
    };
    expect(choiceFromSpec(heatmap, tips)).toEqual({ mark: "point", x: "total_bill", y: "tip" });
    const pie = { mark: "arc", encoding: { theta: { field: "total_bill", aggregate: "sum" }, color: { field: "day" } } };
    expect(choiceFromSpec(pie, tips)).toEqual({ mark: "bar", x: "day", y: "total_bill" });
  });

  it("unescapes field references and gives up on unknown fields or marks", () => {
    const columns = [col("a.b", "quantitative"), col("c", "quantitative")];
    expect(choiceFromSpec({ mark: "point", encoding: { x: { field: "a\\.b" }, y: { field: "c" } } }, columns)).toEqual({
      mark: "point",
      x: "a.b",
      y: "c",
    });
    expect(choiceFromSpec({ mark: "point", encoding: { x: { field: "nope" } } }, columns)).toBeNull();
    expect(choiceFromSpec({ mark: "geoshape", encoding: { x: { field: "c" } } }, columns)).toBeNull();
    expect(choiceFromSpec({ layer: [] }, columns)).toBeNull();
  });
});
