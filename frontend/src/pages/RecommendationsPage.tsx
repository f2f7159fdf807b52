import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { getDataset } from "../api/datasets";
import { getRecommendations, recommendCharts } from "../api/recommendations";
import type { RecommendationList } from "../api/types";
import { ChartBuilder } from "../features/charts/ChartBuilder";
import { RecommendationGroups } from "../features/recommendations/RecommendationGroups";
import { ReportTargetNote } from "../features/reports/ReportTargetNote";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

/** Ranked chart recommendations for a dataset, grouped by what they show, and a hand-made chart builder. */
export default function RecommendationsPage() {
  const { datasetId = "" } = useParams();
  const dataset = useAsync((signal) => getDataset(datasetId, signal), [datasetId]);
  const last = useAsync(
    (signal) =>
      getRecommendations(datasetId, signal).catch((err) => {
        if (err instanceof ApiError && err.status === 404) return null; // none made yet
        throw err;
      }),
    [datasetId],
  );
  const [k, setK] = useState(10);
  const [beamWidth, setBeamWidth] = useState(15);
  const { busy: running, error, run } = useAction();
  const [fresh, setFresh] = useState<RecommendationList | null>(null);
  const list = fresh ?? last.data ?? null;

  const recommend = (event?: FormEvent) => {
    event?.preventDefault();
    void run(async () => setFresh(await recommendCharts(datasetId, { k, beam_width: beamWidth })));
  };

  return (
    <>
      <div className="page-header">
        <h1>Charts for {dataset.data ? <Link to={`/datasets/${datasetId}`}>{dataset.data.filename}</Link> : "…"}</h1>
        <form className="form-row" onSubmit={recommend} aria-label="Recommendation settings">
          <label>
            Charts (k)
            <input type="number" min={1} max={30} value={k} onChange={(e) => setK(Number(e.target.value))} />
          </label>
          <label>
            Beam width
            <input type="number" min={1} max={30} value={beamWidth} onChange={(e) => setBeamWidth(Number(e.target.value))} />
          </label>
          <button type="submit" className="primary" disabled={running}>
            {running ? "Recommending…" : list ? "Recommend again" : "Recommend charts"}
          </button>
        </form>
        <ErrorMessage error={error} />
        <ReportTargetNote />
      </div>
      <section aria-labelledby="recs-heading">
        <h2 id="recs-heading">Recommendations</h2>
        {running ? (
          <Loading label="Searching for good charts…" />
        ) : last.loading && !list ? (
          <Loading label="Loading recommendations…" />
        ) : last.error ? (
          <ErrorMessage error={last.error} onRetry={last.reload} />
        ) : !list ? (
          <Empty>No recommendations yet. Press “Recommend charts”.</Empty>
        ) : list.items.length === 0 ? (
          <Empty>No valid chart was found for this dataset.</Empty>
        ) : (
          <>
            <p className="muted">
              {list.items.length} chart{list.items.length === 1 ? "" : "s"} · model {list.model_version}
            </p>
            {list.notes?.length ? (
              <ul className="notes">
                {list.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            ) : null}
            <RecommendationGroups items={list.items} datasetId={datasetId} listKey={list.created_at ?? ""} />
          </>
        )}
      </section>
      {dataset.data && dataset.data.columns.length > 0 && (list || !last.loading) && (
        <ChartBuilder datasetId={datasetId} columns={dataset.data.columns} suggestion={list?.items[0] ?? null} />
      )}
    </>
  );
}
