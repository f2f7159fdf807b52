import type { Column } from "../../api/types";
import type { VegaLiteSpec } from "../../lib/vega";

export const MARKS = ["bar", "line", "point", "area", "tick"] as const;
export type Mark = (typeof MARKS)[number];

export interface ChartChoice {
  mark: Mark;
  x: string;
  y?: string;
  color?: string;
}

/** The rows URL the API binds saved charts to (the server rewrites `data` on save; we draw from it here). */
export const rowsUrl = (datasetId: string) => `/api/v1/datasets/${encodeURIComponent(datasetId)}/rows?limit=100000`;

/**
 * A Vega-Lite spec from a few choices. With a category on x and a number on y the number is averaged, and
 * without y a bar chart counts rows, which is what people mean in those cases.
 */
export function buildSpec(datasetId: string, columns: Column[], choice: ChartChoice): VegaLiteSpec {
  const typeOf = (name: string) => columns.find((c) => c.name === name)?.type ?? "nominal";
  const xType = typeOf(choice.x);
  const encoding: Record<string, unknown> = { x: { field: choice.x, type: xType } };
  if (choice.y) {
    const yType = typeOf(choice.y);
    const aggregate = yType === "quantitative" && (xType === "nominal" || xType === "ordinal") && choice.mark === "bar";
    encoding.y = aggregate ? { field: choice.y, type: yType, aggregate: "mean" } : { field: choice.y, type: yType };
  } else if (choice.mark === "bar" || choice.mark === "line" || choice.mark === "area") {
    encoding.y = { aggregate: "count", type: "quantitative" };
    if (xType === "quantitative") encoding.x = { field: choice.x, type: xType, bin: true };
  }
  if (choice.color) encoding.color = { field: choice.color, type: typeOf(choice.color) };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { url: rowsUrl(datasetId), format: { type: "json", property: "items" } },
    mark: { type: choice.mark, tooltip: true },
    encoding,
  };
}

export function describeChoice(choice: ChartChoice): string {
  const y = choice.y ? `${choice.y} by ${choice.x}` : `${choice.x}`;
  return `${y}${choice.color ? ` by ${choice.color}` : ""} (${choice.mark})`;
}
