import type { Scorecard } from "../../api/types";

/**
 * A stored evaluation (what the evaluation job keeps on the model: n_windows, measures, scores, verdict, its time and
 * params) as the scorecard the synthesis page shows; null when the entry is not a scorecard.
 */
export function evaluationCard(entry: Record<string, unknown>): Scorecard | null {
  const { measures, scores, verdict, n_windows: windows } = entry;
  if (!Array.isArray(measures) || !scores || typeof scores !== "object" || !verdict || !windows) return null;
  const names = Object.keys(scores);
  // The table's column order: the model, the real floor, then the fakes as stored.
  const first = ["model", "heldout_real"].filter((c) => names.includes(c));
  const candidates = [...first, ...names.filter((c) => !first.includes(c))];
  return { measures, scores, verdict, n_windows: windows, candidates, autocorrelation: {}, scaled_by_real_range: false } as unknown as Scorecard;
}
