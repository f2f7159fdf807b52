import { useEffect, useMemo, useState } from "react";
import type { ImputationLive } from "../api/types";
import { ImputedSeriesChart, type RedrawStats } from "../features/series/ImputedSeriesChart";

const POINTS = 10_000;
const ROUNDS = 20;

/** A synthetic 10,000-point series with ~8% gaps whose imputed values change each "epoch". */
export function syntheticLive(points: number, epoch: number): ImputationLive {
  const values: (number | null)[] = new Array(points);
  const imputed: boolean[] = new Array(points);
  const start = Date.UTC(2020, 0, 1);
  const index: string[] = new Array(points);
  for (let i = 0; i < points; i++) {
    index[i] = new Date(start + i * 3_600_000).toISOString();
    const truth = Math.sin(i / 48) * 10 + Math.sin(i / 7) * 2;
    const inGap = i % 250 >= 230;
    imputed[i] = inGap;
    values[i] = inGap ? truth * (1 - 1 / (epoch + 2)) : truth;
  }
  return { time_column: "time", index, columns: { value: { values, imputed } }, downsampled_from: points };
}

/**
 * Diagnostics: times redrawing a 10,000-point series with new imputed values (what the imputation studio does
 * each epoch), from the payload to the finished canvas. The e2e run reads the numbers from this page.
 */
export default function RedrawLabPage() {
  const [epoch, setEpoch] = useState(0);
  const [stats, setStats] = useState<RedrawStats | null>(null);
  const [samples, setSamples] = useState<number[]>([]);
  const live = useMemo(() => syntheticLive(POINTS, epoch), [epoch]);

  const onStats = (next: RedrawStats) => {
    setStats(next);
    setSamples((s) => [...s, next.last]);
  };

  useEffect(() => {
    if (!stats) return;
    // One first draw, then ROUNDS redraws.
    if (stats.count > ROUNDS) return;
    const timer = setTimeout(() => setEpoch((e) => e + 1), 30);
    return () => clearTimeout(timer);
  }, [stats]);

  // The first draw creates the chart; the rest are redraws with new imputed values.
  const redraws = samples.slice(1);
  const done = redraws.length >= ROUNDS;
  const sorted = [...redraws].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  return (
    <>
      <h1>Redraw timing</h1>
      <p>
        {POINTS.toLocaleString()} points, {ROUNDS} redraws with new imputed values.
      </p>
      <ImputedSeriesChart live={live} column="value" onStats={onStats} />
      <output data-testid="redraw-result" data-done={done} data-median={median.toFixed(2)} data-max={(sorted.at(-1) ?? 0).toFixed(2)} data-count={redraws.length}>
        {done ? `median ${median.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms over ${redraws.length} redraws` : "measuring…"}
      </output>
    </>
  );
}
