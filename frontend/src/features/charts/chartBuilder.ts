import type { Column, ColumnType } from "../../api/types";
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
 * A column name as a Vega-Lite field reference: `.`, `[`, `]` and `\` would otherwise be read as nested access
 * ("a.b" is field b of a) and `'` ends Vega's quoted access paths, so they are escaped with a backslash
 * (as the server's escape_field does).
 */
export const fieldRef = (name: string) => name.replace(/[\\.[\]']/g, (c) => `\\${c}`);

/** The column name a field reference stands for (the inverse of fieldRef). */
export const fieldName = (ref: string) => ref.replace(/\\(.)/g, "$1");

/**
 * A Vega expression turning a time column's value into a date: a four-digit integer is a year (2010 → 1 Jan 2010),
 * a number up to 1e11 is epoch seconds, anything else (ISO strings, epoch milliseconds) goes through toDate.
 * Without it Vega-Lite reads the year 2010 as 2010 ms after 1970.
 */
export function toDateExpression(name: string): string {
  const v = `datum[${JSON.stringify(name)}]`;
  return (
    `isNumber(${v}) ? (${v} >= 1000 && ${v} < 10000 && ${v} % 1 === 0 ? datetime(${v}, 0, 1)` +
    ` : abs(${v}) < 1e11 ? toDate(${v} * 1000) : toDate(${v})) : toDate(${v})`
  );
}

const isCategory = (type: ColumnType) => type === "nominal" || type === "ordinal";

/**
 * A Vega-Lite spec from a few choices. With a category or time on x and a number on y, bars, lines and areas show
 * the mean per x value (bars by a category sorted, largest first); without y, bars, lines and areas count rows (a
 * histogram when x is a number). Time columns are parsed as dates (years and epoch seconds included).
 */
export function buildSpec(datasetId: string, columns: Column[], choice: ChartChoice): VegaLiteSpec {
  const typeOf = (name: string): ColumnType => columns.find((c) => c.name === name)?.type ?? "nominal";
  const xType = typeOf(choice.x);
  const summarises = choice.mark === "bar" || choice.mark === "line" || choice.mark === "area";
  const encoding: Record<string, unknown> = { x: { field: fieldRef(choice.x), type: xType } };
  const times = new Set<string>();
  if (xType === "temporal") times.add(choice.x);
  if (choice.y) {
    const yType = typeOf(choice.y);
    if (yType === "temporal") times.add(choice.y);
    const aggregate = yType === "quantitative" && summarises && (isCategory(xType) || xType === "temporal");
    encoding.y = aggregate
      ? { field: fieldRef(choice.y), type: yType, aggregate: "mean", title: `mean ${choice.y}` }
      : { field: fieldRef(choice.y), type: yType };
    if (aggregate && xType === "nominal" && choice.mark === "bar") encoding.x = { field: fieldRef(choice.x), type: xType, sort: "-y" };
  } else if (summarises) {
    encoding.y = { aggregate: "count", type: "quantitative", title: "number of records" };
    if (xType === "quantitative") encoding.x = { field: fieldRef(choice.x), type: xType, bin: true };
    else if (xType === "nominal" && choice.mark === "bar") encoding.x = { field: fieldRef(choice.x), type: xType, sort: "-y" };
  }
  if (choice.color) encoding.color = { field: fieldRef(choice.color), type: typeOf(choice.color) };
  // An escaped name would be shown with its backslashes ("a\.b") in axis and legend titles: title it as written.
  for (const channel of Object.values(encoding) as Record<string, unknown>[]) {
    const ref = channel.field as string | undefined;
    if (ref !== undefined && !channel.title && fieldName(ref) !== ref) channel.title = fieldName(ref);
  }
  const spec: VegaLiteSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { url: rowsUrl(datasetId), format: { type: "json", property: "items" } },
  };
  if (times.size > 0) spec.transform = [...times].map((name) => ({ calculate: toDateExpression(name), as: name }));
  spec.mark = { type: choice.mark, tooltip: true };
  spec.encoding = encoding;
  return spec;
}

export function describeChoice(choice: ChartChoice): string {
  const y = choice.y ? `${choice.y} by ${choice.x}` : `${choice.x}`;
  return `${y}${choice.color ? ` by ${choice.color}` : ""} (${choice.mark})`;
}
