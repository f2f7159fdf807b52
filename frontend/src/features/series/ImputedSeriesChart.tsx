import { useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import type { ImputationLive } from "../../api/types";
import { applyLive, type ColumnSeries } from "../../lib/series";
import { LineChart } from "./LineChart";

export interface RedrawStats {
  last: number;
  max: number;
  count: number;
}

/**
 * One column of the imputation's live payload: observed line, imputed stretches in orange with markers,
 * gaps shaded. Each new payload rewrites the arrays in place and redraws (timed: payload to finished draw).
 */
export function ImputedSeriesChart({ live, column, onStats }: { live: ImputationLive; column: string; onStats?: (s: RedrawStats) => void }) {
  const seriesRef = useRef<ColumnSeries | null>(null);
  const startedAt = useRef(0);
  const stats = useRef<RedrawStats>({ last: 0, max: 0, count: 0 });
  const [shown, setShown] = useState<RedrawStats | null>(null);

  // Deliberately impure: applyLive rewrites the previous payload's arrays in place (a 10,000-point redraw then
  // allocates nothing), and the redraw is timed from this memo, which is where a new payload arrives.
  /* eslint-disable react-hooks/refs, react-hooks/purity -- in-place series cache and redraw timer, see above */
  const { data, version, series } = useMemo(() => {
    startedAt.current = performance.now();
    const { series: next } = applyLive(seriesRef.current, live, column);
    seriesRef.current = next;
    const aligned: uPlot.AlignedData = [next.x, next.observed, next.filled];
    return { data: aligned, version: startedAt.current, series: next };
  }, [live, column]);
  /* eslint-enable react-hooks/refs, react-hooks/purity */

  const onRedraw = () => {
    // From the payload's arrival to the drawn canvas (array rewrite + setData + draw).
    const ms = performance.now() - startedAt.current;
    const s = stats.current;
    stats.current = { last: ms, max: Math.max(s.max, ms), count: s.count + 1 };
    setShown(stats.current);
    onStats?.(stats.current);
    recordRedraw(ms, series.x.length);
  };

  return (
    <figure className="series-figure">
      <LineChart
        data={data}
        version={version}
        isTime={series.isTime}
        shade={series.gaps}
        ariaLabel={`${column}: observed values with imputed gaps highlighted`}
        lines={[
          { label: `${column} (observed)`, color: "#2563eb" },
          { label: `${column} (imputed)`, color: "#ea580c", points: true, width: 2 },
        ]}
        onRedraw={onRedraw}
      />
      <figcaption>
        {series.gaps.length} gap{series.gaps.length === 1 ? "" : "s"} filled
        {live.downsampled_from && live.downsampled_from > series.x.length
          ? ` · showing ${series.x.length.toLocaleString()} of ${live.downsampled_from.toLocaleString()} points`
          : ` · ${series.x.length.toLocaleString()} points`}
        {shown && (
          <span className="muted" data-testid="redraw-ms">
            {" "}
            · redraw {shown.last.toFixed(1)} ms
          </span>
        )}
      </figcaption>
    </figure>
  );
}

declare global {
  interface Window {
    __insightRedraws?: { ms: number; points: number }[];
  }
}

/** Redraw timings, readable from the browser (the e2e run prints them). */
function recordRedraw(ms: number, points: number): void {
  (window.__insightRedraws ??= []).push({ ms, points });
}
