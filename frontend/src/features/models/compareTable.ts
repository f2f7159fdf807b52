import type { ComparedModel } from "../../api/models";

export interface CompareRow {
  key: string;
  values: unknown[];
  /** Not every model has the same value: the row is highlighted. */
  differs: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One row per key found in any model's `params` or `metrics`, its value per model (in order) and whether they differ. */
export function compareRows(models: readonly ComparedModel[], field: "params" | "metrics"): CompareRow[] {
  const keys = [...new Set(models.flatMap((m) => Object.keys(m[field] ?? {})))].sort();
  return keys.map((key) => {
    const values = models.map((m) => m[field]?.[key]);
    return { key, values, differs: values.some((v) => !same(v, values[0])) };
  });
}
