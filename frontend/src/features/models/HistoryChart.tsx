import { useMemo } from "react";
import { LineChart } from "../series/LineChart";
import { Empty } from "../ui/Status";
import { historyLines, type HistorySource } from "./history";

/** The training loss curves of one model, or of several on one plot (Compare). */
export function HistoryChart({ sources, label = "Training history" }: { sources: readonly HistorySource[]; label?: string }) {
  // Pages pass a fresh array each render; the curves are redrawn only when their content changed.
  const key = JSON.stringify(sources);
  const { data, lines } = useMemo(() => historyLines(JSON.parse(key) as HistorySource[]), [key]);
  if (lines.length === 0) return <Empty>No training history was recorded for this model.</Empty>;
  return (
    <div className="history-chart">
      <LineChart data={data} lines={lines} height={240} xLabel="update" ariaLabel={`${label}: ${lines.map((l) => l.label).join(", ")}`} />
    </div>
  );
}
