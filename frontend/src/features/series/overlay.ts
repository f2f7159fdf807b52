import { toNumber } from "../../lib/series";

/**
 * Real vs synthetic curves for one feature on a shared x (step within a sequence): a few real windows of
 * `seqLen` consecutive rows, and a few synthetic sequences from the long-format samples (sequence_id, step, features).
 */
export function overlaySeries(
  realRows: readonly Record<string, unknown>[],
  syntheticRows: readonly Record<string, unknown>[],
  feature: string,
  seqLen: number,
  count = 3,
): { x: number[]; real: (number | null)[][]; synthetic: (number | null)[][] } {
  const x = Array.from({ length: seqLen }, (_, i) => i);
  const real: (number | null)[][] = [];
  const stride = Math.max(seqLen, Math.floor(realRows.length / Math.max(1, count)));
  for (let start = 0; real.length < count && start + seqLen <= realRows.length; start += stride) {
    real.push(x.map((i) => toNumber(realRows[start + i]?.[feature])));
  }
  const bySequence = new Map<string, (number | null)[]>();
  for (const row of syntheticRows) {
    const key = String(row.sequence_id ?? 0);
    if (!bySequence.has(key)) {
      if (bySequence.size >= count) continue;
      bySequence.set(key, new Array(seqLen).fill(null));
    }
    const step = Number(row.step);
    if (Number.isInteger(step) && step >= 0 && step < seqLen) bySequence.get(key)![step] = toNumber(row[feature]);
  }
  return { x, real, synthetic: [...bySequence.values()] };
}

/** Points of the evaluation's 2-D embedding (PCA, t-SNE: one [x, y] per window) as Vega-Lite values. */
export function embeddingValues(embedding: { real?: number[][]; synthetic?: number[][] } | undefined) {
  if (!embedding) return [];
  return [
    ...(embedding.real ?? []).map(([x, y]) => ({ x, y, source: "real" })),
    ...(embedding.synthetic ?? []).map(([x, y]) => ({ x, y, source: "synthetic" })),
  ];
}
