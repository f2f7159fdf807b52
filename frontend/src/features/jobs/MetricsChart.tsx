import { useMemo } from "react";
import type uPlot from "uplot";
import type { MetricPoint } from "../../api/types";
import { metricSeries } from "../../lib/series";
import { LineChart } from "../series/LineChart";
import { Empty } from "../ui/Status";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"];

/** Loss (and other metric) curves over the job's metric history, one point per epoch/step. */
export function MetricsChart({ metrics, names, label = "Loss curve" }: { metrics: MetricPoint[]; names?: string[]; label?: string }) {
  const series = useMemo(() => metricSeries(metrics, names), [metrics, names]);
  if (metrics.length === 0 || series.names.length === 0) return <Empty>No metrics yet: they appear after the first epoch.</Empty>;
  const data = [series.x, ...series.values] as uPlot.AlignedData;
  return (
    <LineChart
      data={data}
      ariaLabel={`${label}: ${series.names.join(", ")}`}
      xLabel="update"
      height={200}
      lines={series.names.map((name, i) => ({ label: name, color: COLORS[i % COLORS.length], points: metrics.length < 40 }))}
    />
  );
}
