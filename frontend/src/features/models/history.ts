import type uPlot from "uplot";
import type { LineSpec } from "../series/LineChart";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#be185d"];
const DASHES: (number[] | undefined)[] = [undefined, [6, 4], [2, 3], [10, 3, 2, 3], [1, 6]];

export interface HistorySource {
  /** Prefix of each line's label (a model's version when several share a plot); empty for one model. */
  label: string;
  history: Record<string, (number | null)[]> | null | undefined;
}

/**
 * Loss curves of one or more models on one x axis (the update number): one line per (model, loss), colour by loss
 * name and dash by model, so the same loss of two models reads as one colour; shorter runs end early (nulls).
 */
export function historyLines(sources: readonly HistorySource[]): { data: uPlot.AlignedData; lines: LineSpec[] } {
  const names = [...new Set(sources.flatMap((s) => Object.keys(s.history ?? {})))];
  const columns: (number | null)[][] = [];
  const lines: LineSpec[] = [];
  let length = 0;
  sources.forEach((source, m) => {
    names.forEach((name, n) => {
      const values = source.history?.[name];
      if (!values?.length) return;
      length = Math.max(length, values.length);
      columns.push(values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null)));
      lines.push({ label: source.label ? `${source.label} ${name}` : name, color: COLORS[n % COLORS.length], dash: DASHES[m % DASHES.length] });
    });
  });
  const x = Array.from({ length }, (_, i) => i + 1);
  const padded = columns.map((column) => [...column, ...Array<null>(length - column.length).fill(null)]);
  return { data: [x, ...padded] as uPlot.AlignedData, lines };
}
