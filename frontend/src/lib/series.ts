/**
 * Turning the imputation job's `live` payload into what the line chart draws, and keeping that cheap:
 * per epoch only the imputed cells change, so `applyLive` rewrites the arrays in place when the index is the same.
 */
import type { ImputationLive } from "../api/types";

export interface ColumnSeries {
  /** x values: seconds since the epoch for time indexes (uPlot's time unit), else the step number. */
  x: Float64Array;
  isTime: boolean;
  /** Observed values; null in gaps. */
  observed: (number | null)[];
  /** Imputed values plus the observed neighbours of each gap, so the filled stretch joins the line; null elsewhere. */
  filled: (number | null)[];
  /** Gaps as [first, last] index pairs (inclusive), for shading. */
  gaps: [number, number][];
}

/** x positions for an index of ISO strings or numbers; falls back to 0..n-1 when any entry is not a time or number. */
export function indexToX(index: readonly (string | number)[]): { x: Float64Array; isTime: boolean } {
  const x = new Float64Array(index.length);
  if (index.every((v) => typeof v === "number")) {
    index.forEach((v, i) => (x[i] = v as number));
    return { x, isTime: false };
  }
  for (let i = 0; i < index.length; i++) {
    const value = index[i];
    const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) {
      for (let j = 0; j < index.length; j++) x[j] = j;
      return { x, isTime: false };
    }
    x[i] = ms / 1000;
  }
  return { x, isTime: true };
}

/** Runs of true in `mask` as inclusive [start, end] pairs. */
export function findRuns(mask: readonly boolean[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && start === -1) start = i;
    if (!mask[i] && start !== -1) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  if (start !== -1) runs.push([start, mask.length - 1]);
  return runs;
}

function fillSeries(
  values: readonly (number | null)[],
  imputed: readonly boolean[],
  observed: (number | null)[],
  filled: (number | null)[],
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const value = values[i] ?? null;
    if (imputed[i]) {
      observed[i] = null;
      filled[i] = value;
    } else {
      observed[i] = value;
      // Keep an observed point on the filled line only where it borders a gap.
      filled[i] = (i > 0 && imputed[i - 1]) || (i + 1 < n && imputed[i + 1]) ? value : null;
    }
  }
}

/** One column of the live payload as chart series. */
export function columnSeries(live: ImputationLive, column: string): ColumnSeries {
  const { x, isTime } = indexToX(live.index);
  const entry = live.columns[column];
  const n = live.index.length;
  const observed = new Array<number | null>(n);
  const filled = new Array<number | null>(n);
  const imputed = entry?.imputed ?? new Array<boolean>(n).fill(false);
  fillSeries(entry?.values ?? new Array(n).fill(null), imputed, observed, filled);
  return { x, isTime, observed, filled, gaps: findRuns(imputed) };
}

/**
 * Applies a newer payload to `previous`. When the index is unchanged (every epoch of one run) the value arrays are
 * updated in place and the same object comes back with `reused: true`; otherwise a fresh series is built.
 */
export function applyLive(
  previous: ColumnSeries | null,
  live: ImputationLive,
  column: string,
): { series: ColumnSeries; reused: boolean } {
  const entry = live.columns[column];
  if (previous && entry && previous.x.length === live.index.length && sameIndex(previous, live.index)) {
    fillSeries(entry.values, entry.imputed, previous.observed, previous.filled);
    previous.gaps = findRuns(entry.imputed);
    return { series: previous, reused: true };
  }
  return { series: columnSeries(live, column), reused: false };
}

function sameIndex(previous: ColumnSeries, index: readonly (string | number)[]): boolean {
  if (index.length === 0) return true;
  // Comparing the ends is enough: a run's index never changes between epochs, a new run changes its length or ends.
  const { x } = indexToX([index[0], index[index.length - 1]]);
  return x[0] === previous.x[0] && x[1] === previous.x[previous.x.length - 1];
}

/**
 * Min/max downsampling into `buckets` buckets: keeps each bucket's lowest and highest point (in x order), so spikes
 * and gaps survive. Nulls (gaps) are kept as a null in their bucket. Returns indexes into the input.
 */
export function minMaxDownsampleIndexes(values: readonly (number | null)[], buckets: number): number[] {
  const n = values.length;
  if (buckets <= 0 || n <= buckets * 2) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    let nullAt = -1;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (v === null || v === undefined || Number.isNaN(v)) {
        if (nullAt === -1) nullAt = i;
        continue;
      }
      if (lo === -1 || v < (values[lo] as number)) lo = i;
      if (hi === -1 || v > (values[hi] as number)) hi = i;
    }
    const picked = [lo, hi, nullAt].filter((i) => i !== -1);
    picked.sort((a, b2) => a - b2);
    for (const i of picked) if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

export function pick<T>(values: ArrayLike<T>, indexes: readonly number[]): T[] {
  return indexes.map((i) => values[i]);
}

/** Numbers from a row value (JSON may hold numbers as strings); null when missing or not numeric. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** Metric history -> x (step) and one array per metric name, for the loss chart. Points without a metric are null. */
export function metricSeries(
  points: readonly Record<string, unknown>[],
  names?: readonly string[],
): { x: number[]; names: string[]; values: (number | null)[][] } {
  const found =
    names ??
    Array.from(
      new Set(points.flatMap((p) => Object.keys(p).filter((k) => k !== "step" && k !== "phase" && typeof p[k] === "number"))),
    );
  // Steps restart per phase (TimeGAN) and on resume; plot in arrival order so no point hides another.
  const x = points.map((_, i) => i + 1);
  const values = found.map((name) => points.map((p) => toNumber(p[name])));
  return { x, names: [...found], values };
}
