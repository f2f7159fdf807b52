import { useMemo, useState } from "react";
import type uPlot from "uplot";
import { getDatasetRows } from "../../api/datasets";
import type { Dataset } from "../../api/types";
import { useAsync } from "../../lib/useAsync";
import { LineChart } from "../series/LineChart";
import { overlaySeries } from "../series/overlay";
import { Empty, ErrorMessage, Loading } from "../ui/Status";

/** Real sequences and synthetic samples of one feature drawn over each other. */
export function OverlayPanel({ realId, syntheticId, dataset, seqLen }: { realId: string; syntheticId: string; dataset: Dataset; seqLen: number }) {
  const rows = useAsync(
    async (signal) => {
      const [real, synthetic] = await Promise.all([
        getDatasetRows(realId, 0, Math.min(5000, Math.max(seqLen * 10, 500)), signal),
        getDatasetRows(syntheticId, 0, seqLen * 5, signal),
      ]);
      return { real: real.items, synthetic: synthetic.items };
    },
    [realId, syntheticId, seqLen],
  );
  const features = dataset.columns.filter((c) => c.type === "quantitative").map((c) => c.name);
  const syntheticFeatures = rows.data ? Object.keys(rows.data.synthetic[0] ?? {}).filter((k) => features.includes(k)) : [];
  const [feature, setFeature] = useState<string | null>(null);
  const shown = feature && syntheticFeatures.includes(feature) ? feature : syntheticFeatures[0];
  const overlay = useMemo(
    () => (rows.data && shown ? overlaySeries(rows.data.real, rows.data.synthetic, shown, seqLen) : null),
    [rows.data, shown, seqLen],
  );

  return (
    <section className="card" aria-labelledby="overlay-heading">
      <div className="section-header">
        <h2 id="overlay-heading">Real vs synthetic</h2>
        {syntheticFeatures.length > 1 && (
          <label>
            Feature{" "}
            <select value={shown} onChange={(e) => setFeature(e.target.value)}>
              {syntheticFeatures.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {rows.loading && !rows.data ? (
        <Loading label="Loading sequences…" />
      ) : rows.error ? (
        <ErrorMessage error={rows.error} onRetry={rows.reload} />
      ) : !overlay ? (
        <Empty>No shared feature to compare.</Empty>
      ) : (
        <LineChart
          data={[overlay.x, ...overlay.real, ...overlay.synthetic] as uPlot.AlignedData}
          ariaLabel={`Real and synthetic sequences of ${shown}`}
          xLabel="step"
          lines={[
            ...overlay.real.map((_, i) => ({ label: `real ${i + 1}`, color: "#2563eb" })),
            ...overlay.synthetic.map((_, i) => ({ label: `synthetic ${i + 1}`, color: "#ea580c", dash: [6, 4] })),
          ]}
        />
      )}
    </section>
  );
}
