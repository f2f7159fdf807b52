import { useId, useState } from "react";
import { createChart } from "../../api/charts";
import type { Chart, Recommendation } from "../../api/types";
import { useAction } from "../../lib/useAction";
import type { EmbedResult } from "../../lib/vega";
import { ExportButtons } from "../charts/ExportButtons";
import { AddToReportButton } from "../reports/AddToReportButton";
import { VegaChart } from "../charts/VegaChart";
import { Modal } from "../ui/Modal";
import { ErrorMessage } from "../ui/Status";
import { intentLabel } from "./intents";

/** One recommended chart, titled by what it shows in the data: rank, intent, drawing, and save / enlarge / export. */
export function RecommendationCard({ item, rank, datasetId }: { item: Recommendation; rank: number; datasetId: string }) {
  const id = useId();
  const titleId = `${id}-title`;
  const [view, setView] = useState<EmbedResult | null>(null);
  const [enlarged, setEnlarged] = useState(false);
  const [saved, setSaved] = useState<Chart | null>(null);
  const { busy: saving, error, run } = useAction();
  const title = item.explanation?.trim() || `Chart ${rank}`;
  const intent = intentLabel(item.intent);

  const save = () => run(async () => setSaved(await createChart({ dataset_id: datasetId, spec: item.spec, title })));

  return (
    <article
      className="card chart-card rec-card"
      aria-labelledby={titleId}
      data-testid="recommendation-card"
      data-intent={item.intent}
      data-rank={rank}
    >
      <header className="rec-card-header">
        <p className="rec-meta">
          <span className="rank" aria-label={`Rank ${rank}`}>
            #{rank}
          </span>
          <span className={`badge intent intent-${item.intent}`}>{intent.badge}</span>
          <span className={`badge badge-${item.source}`} title={`score ${item.score.toFixed(3)}`}>
            {item.source === "model" ? "Data2Vis" : "rules"} · <span className="visually-hidden">score </span>
            {item.score.toFixed(2)}
          </span>
        </p>
        <h4 id={titleId} className="rec-title">
          {title}
        </h4>
      </header>
      {!enlarged && <VegaChart spec={item.spec} ariaLabel={`Chart: ${title}`} onView={setView} />}
      <div className="card-actions">
        <div className="button-row">
          <button type="button" className="primary" onClick={save} disabled={saving || saved !== null} aria-describedby={titleId}>
            {saved ? "Saved" : saving ? "Saving…" : "Save"}
          </button>
          <button type="button" onClick={() => setEnlarged(true)} aria-describedby={titleId}>
            Enlarge
          </button>
          <AddToReportButton datasetId={datasetId} spec={item.spec} title={title} saved={saved} onSaved={setSaved} />
        </div>
        <ExportButtons title={title} spec={item.spec} view={view} />
      </div>
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
