import { useState } from "react";
import { createChart } from "../../api/charts";
import type { Chart, Recommendation } from "../../api/types";
import type { EmbedResult } from "../../lib/vega";
import { ErrorMessage } from "../ui/Status";
import { Modal } from "../ui/Modal";
import { ExportButtons } from "./ExportButtons";
import { VegaChart } from "./VegaChart";

/** One recommended chart: drawing, explanation, rank, and save / enlarge / export. */
export function RecommendationCard({ item, rank, datasetId }: { item: Recommendation; rank: number; datasetId: string }) {
  const [view, setView] = useState<EmbedResult | null>(null);
  const [enlarged, setEnlarged] = useState(false);
  const [saved, setSaved] = useState<Chart | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const title = item.explanation || `Chart ${rank}`;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      setSaved(await createChart({ dataset_id: datasetId, spec: item.spec, title }));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <article className="card chart-card" aria-labelledby={`rec-${rank}`} data-testid="recommendation-card">
      <header className="chart-card-header">
        <h3 id={`rec-${rank}`}>
          <span className="rank">#{rank}</span> {title}
        </h3>
        <span className={`badge badge-${item.source}`} title={`score ${item.score.toFixed(3)}`}>
          {item.source === "model" ? "Data2Vis" : "rule"} · {item.score.toFixed(2)}
        </span>
      </header>
      {!enlarged && <VegaChart spec={item.spec} ariaLabel={`Chart: ${title}`} onView={setView} />}
      <div className="button-row">
        <button type="button" className="primary" onClick={save} disabled={saving || saved !== null}>
          {saved ? "Saved" : saving ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={() => setEnlarged(true)}>
          Enlarge
        </button>
      </div>
      <ExportButtons title={title} spec={item.spec} view={view} />
      {saved && (
        <p role="status" className="success-text">
          Saved to your gallery.
        </p>
      )}
      <ErrorMessage error={error} />
      {enlarged && (
        <Modal title={title} onClose={() => setEnlarged(false)}>
          <VegaChart spec={item.spec} ariaLabel={`Enlarged chart: ${title}`} onView={setView} />
          <ExportButtons title={title} spec={item.spec} view={view} />
        </Modal>
      )}
    </article>
  );
}
