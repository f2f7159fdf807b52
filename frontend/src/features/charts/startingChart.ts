/**
 * Where the "Make a chart" builder starts: the controls for the top recommendation when there is one, else a
 * first chart chosen from the column types (a measure over time, a scatter, a histogram, counts per category).
 * No React, no fetch: pure functions over the dataset's columns (and, when loaded, some of its rows).
 */
import type { Column } from "../../api/types";
import type { VegaLiteSpec } from "../../lib/vega";
import { fieldName, MARKS, type ChartChoice, type Mark } from "./chartBuilder";

/** A category with more values than this is no good for counts or colors. */
export const MAX_CATEGORIES = 20;
/** At most this many colored series on a line chart. */
export const MAX_SERIES = 8;

/** Distinct non-missing values per column in `rows`. */
export function distinctCounts(columns: Column[], rows: Record<string, unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const column of columns) {
    const seen = new Set<unknown>();
    for (const row of rows) {
      const value = row[column.name];
      if (value !== null && value !== undefined && value !== "") seen.add(value);
    }
    counts.set(column.name, seen.size);
  }
  return counts;
}

/**
 * A sensible first chart for a table with no recommendations:
 * 1. a measure over time (mean of the first number per time value), one line per category when a category has
 *    2-8 values in the rows seen;
 * 2. else a scatter of the first two numbers;
 * 3. else a histogram of the only number;
 * 4. else counts of the first category with few values (at most 20 in the rows seen; without rows, the first);
 * 5. else counts over time, else counts of the first column.
 */
export function startingChoice(columns: Column[], rows?: Record<string, unknown>[]): ChartChoice {
  const counts = rows && rows.length > 0 ? distinctCounts(columns, rows) : null;
  const numbers = columns.filter((c) => c.type === "quantitative");
  const time = columns.find((c) => c.type === "temporal");
  const categories = columns.filter((c) => c.type === "nominal" || c.type === "ordinal");
  const fewValues = (c: Column, max: number) => !counts || ((counts.get(c.name) ?? 0) >= 1 && (counts.get(c.name) ?? 0) <= max);

  if (time && numbers.length > 0) {
    const series = counts ? categories.find((c) => (counts.get(c.name) ?? 0) >= 2 && (counts.get(c.name) ?? 0) <= MAX_SERIES) : undefined;
    return { mark: "line", x: time.name, y: numbers[0].name, ...(series ? { color: series.name } : {}) };
  }
  if (numbers.length >= 2) return { mark: "point", x: numbers[0].name, y: numbers[1].name };
  if (numbers.length === 1) return { mark: "bar", x: numbers[0].name };
  const category = categories.find((c) => fewValues(c, MAX_CATEGORIES));
  if (category) return { mark: "bar", x: category.name };
  if (time) return { mark: "bar", x: time.name };
  return { mark: "bar", x: columns[0]?.name ?? "" };
}

const MARK_EQUIVALENT: Record<string, Mark> = {
  circle: "point",
  square: "point",
  rect: "point", // a heatmap of two binned numbers: their scatter
  boxplot: "tick",
  errorbar: "tick",
  rule: "tick",
  arc: "bar", // a pie: the same sums as bars
  trail: "line",
};

type Channel = { field?: unknown; aggregate?: unknown } | undefined;

/**
 * The builder's controls for a recommended spec (mark, x, y, color over the table's own columns), or null when the
 * spec does not map onto them. Folded measures (`fold` → key/value) stand for their first measure; a count axis
 * means "no y"; a pie's angle and color become a bar's y and x.
 */
export function choiceFromSpec(spec: VegaLiteSpec, columns: Column[]): ChartChoice | null {
  const names = new Set(columns.map((c) => c.name));
  const rawMark = typeof spec.mark === "string" ? spec.mark : (spec.mark as { type?: unknown } | undefined)?.type;
  if (typeof rawMark !== "string") return null;
  const mark: Mark | undefined = (MARKS as readonly string[]).includes(rawMark) ? (rawMark as Mark) : MARK_EQUIVALENT[rawMark];
  if (!mark) return null;

  // Fields made by a fold: the value stands for the first folded column, the key for none.
  const aliases = new Map<string, string | null>();
  for (const step of (Array.isArray(spec.transform) ? spec.transform : []) as Record<string, unknown>[]) {
    if (Array.isArray(step.fold)) {
      const [key = "key", value = "value"] = (Array.isArray(step.as) ? step.as : []) as string[];
      const first = step.fold.map((f) => fieldName(String(f))).find((f) => names.has(f));
      aliases.set(key, null);
      aliases.set(value, first ?? null);
    }
  }
  const encoding = (spec.encoding ?? {}) as Record<string, Channel>;
  const column = (channel: Channel): string | undefined => {
    if (!channel || typeof channel.field !== "string" || channel.aggregate === "count") return undefined;
    const name = fieldName(channel.field);
    if (aliases.has(name)) return aliases.get(name) ?? undefined;
    return names.has(name) ? name : undefined;
  };

  let x = column(encoding.x);
  let y = column(encoding.y);
  let color = column(encoding.color);
  if (rawMark === "arc") {
    x = color;
    y = column(encoding.theta);
    color = undefined;
  } else if (!x && y) {
    // Horizontal bars (count or measure on x): the builder puts the category on x.
    [x, y] = [y, column(encoding.x)];
  }
  if (!x) return null;
  if (rawMark === "rect") color = undefined; // the heatmap's color is a count
  return { mark, x, ...(y ? { y } : {}), ...(color && color !== x && color !== y ? { color } : {}) };
}
